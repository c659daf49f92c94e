// TEST_CPU_PER_FILE=out.tsv npx vitest run ...: one line per test file with the test worker's own CPU
// time from before the file's import to its last hook, the CPU of the child processes it waited for
// meanwhile (git, the CLI, deployers), its wall time and when it started (seconds since the epoch, so
// the lines of one run draw its timeline: how many files were in flight, and which ran last). Vitest
// reports durations only (its JSON report's times start after the hooks), and a worker runs many files
// (`isolate: false`), so its CPU per process says nothing about which file spent it.
// Loaded as a setup file only when the variable is set (vitest.config.ts).
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';

/** CPU seconds of reaped children: cutime + cstime, fields 16-17 of /proc/self/stat (Linux). */
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

const out = process.env.TEST_CPU_PER_FILE;
const cpuBefore = process.cpuUsage();
const childrenBefore = childrenCpuSeconds();
const wallBefore = performance.now();
const startedAt = Date.now() / 1000;

afterAll(() => {
  if (!out) return;
  const cpu = process.cpuUsage(cpuBefore);
  const file = path.relative(process.cwd(), expect.getState().testPath ?? '?');
  const row = [
    file,
    ((cpu.user + cpu.system) / 1e6).toFixed(2),
    (childrenCpuSeconds() - childrenBefore).toFixed(2),
    ((performance.now() - wallBefore) / 1000).toFixed(2),
    process.pid,
    startedAt.toFixed(2),
  ];
  appendFileSync(out, `${row.join('\t')}\n`);
});
