// A task whose container takes a random time to become healthy: waits uniformly between argv[2] and
// argv[3] ms, then serves like the echo task. Gives the ECS stand-in rollouts of spread-out
// durations, so a poller's phase cannot line up with completions by accident.
import { fileURLToPath } from 'node:url';
import type { TaskCommand } from '../../local/tasks/process-runner.ts';
import { REPO_ROOT } from './repo-root.ts';

export function randomStartTaskCommand(minMs: number, maxMs: number): TaskCommand {
  return {
    command: [process.execPath, fileURLToPath(import.meta.url), String(minMs), String(maxMs)],
    cwd: REPO_ROOT,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [minMs, maxMs] = process.argv.slice(2, 4).map(Number) as [number, number];
  await new Promise((resolve) => setTimeout(resolve, minMs + Math.random() * (maxMs - minMs)));
  await import('../../local/fixtures/echo-task.ts');
}
