// CPU time a process has used so far, all its threads included (the libuv pool writes logs too),
// from Linux's /proc/<pid>/task/<tid>/schedstat (nanoseconds on the CPU). On a shared machine
// throughput swings with everybody else's load, but CPU time per request barely does: for a
// single-threaded server at its limit, throughput is the inverse of it.
import { readdirSync, readFileSync } from 'node:fs';

/** Nanoseconds on the CPU summed over the process's threads; undefined where /proc has no schedstat. */
export function processCpuNs(pid: number): number | undefined {
  try {
    let total = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const fields = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ');
      total += Number(fields[0]);
    }
    return total;
  } catch {
    return undefined;
  }
}

/** The same for a process and all its descendants (gunicorn's master and worker), from /proc's children lists. */
export function processTreeCpuNs(pid: number): number | undefined {
  const own = processCpuNs(pid);
  if (own === undefined) return undefined;
  let total = own;
  for (const child of childPids(pid)) total += processTreeCpuNs(child) ?? 0;
  return total;
}

function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}
