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

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every mainstream Linux). */
const USER_HZ = 100;

/**
 * User and system CPU time of a process and its descendants, in ns, from /proc/<pid>/stat (10 ms
 * ticks, all threads): user is the program's own work (framework, handlers), system mostly the
 * kernel's socket work, which every server pays alike.
 */
export function processTreeUserSystemNs(pid: number): { userNs: number; systemNs: number } | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const times = {
      userNs: (Number(fields[11]) * 1e9) / USER_HZ,
      systemNs: (Number(fields[12]) * 1e9) / USER_HZ,
    };
    if (!Number.isFinite(times.userNs) || !Number.isFinite(times.systemNs)) return undefined;
    for (const child of childPids(pid)) {
      const own = processTreeUserSystemNs(child);
      times.userNs += own?.userNs ?? 0;
      times.systemNs += own?.systemNs ?? 0;
    }
    return times;
  } catch {
    return undefined;
  }
}
