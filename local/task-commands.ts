// Which local command plays which image: the repository picks the program; a broken image (or an
// unknown repository) gets a command that fails the way a bad container does.
import { fileURLToPath } from 'node:url';
import type { TaskCommand } from './tasks/process-runner.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const DEFAULT_TASK_COMMANDS: Record<string, TaskCommand> = {
  actors: { command: [process.execPath, 'service/main.ts'], cwd: REPO_ROOT },
};

/** The test fixture workload (serves /health and /version from env). */
export const ECHO_TASK_COMMAND: TaskCommand = {
  command: [process.execPath, fileURLToPath(new URL('./fixtures/echo-task.ts', import.meta.url))],
  cwd: REPO_ROOT,
};

/** A healthy container that answers everything but /health with HTTP 500 (a canary that fails verification). */
export const SERVES_ERRORS_TASK_COMMAND: TaskCommand = {
  command: [process.execPath, fileURLToPath(new URL('./fixtures/serves-errors-task.ts', import.meta.url))],
  cwd: REPO_ROOT,
};

function failingCommand(message: string, afterMs: number): TaskCommand {
  const script = `setTimeout(() => { console.error(${JSON.stringify(message)}); process.exit(1); }, ${afterMs});`;
  return { command: [process.execPath, '-e', script], cwd: REPO_ROOT };
}

export function brokenImageCommand(image: string, afterMs: number): TaskCommand {
  return failingCommand(`local: image ${image} is marked broken; the container exits with code 1`, afterMs);
}

export function unknownRepositoryCommand(repository: string, afterMs: number): TaskCommand {
  return failingCommand(
    `local: no command is mapped for repository '${repository}' (taskCommands option)`,
    afterMs,
  );
}
