// How many test files `npm test` runs at once (vitest.config.ts), from how busy the cores are with
// other work when the run starts. Measured over a short window rather than read from the load average:
// a CI run's own npm ci, lint and typecheck leave a 1-minute load of 2-4.5 behind them on idle cores
// (a run that read 4.4 went one file at a time and took ~40 minutes instead of ~6).
import { cpus } from 'node:os';

export interface FilesAtATime {
  /** The unit layer: CPU-bound, so at most one file per core. */
  unit: number;
  /** The integration and e2e layers: their files mostly wait on child processes, sockets and timers. */
  process: number;
}

/** Cores kept busy by other processes: the machine's busy CPU time minus our own, over the window. */
export function coresBusyElsewhere(machineBusyMs: number, ownCpuMs: number, elapsedMs: number): number {
  if (elapsedMs <= 0) return 0;
  return Math.max(0, (machineBusyMs - ownCpuMs) / elapsedMs);
}

/**
 * Idle cores (the usual CI case): 4 process files at once on 2 cores (vitest's own default, one per
 * core but one, ran them one at a time there) and one unit file per core. Only when other work
 * already fills every core are the counts halved: one process file at a time would not help (those
 * files wait far more than they compute, so a serial run takes ~40 minutes), but each file at once
 * adds node processes to start, and on a full machine their starts are what time out first.
 * `processFiles` (TEST_PROCESS_FILES) sets the process layers' count by hand, whatever the cores say:
 * the unit layer keeps its own, since more CPU-bound unit files than cores only add worker starts.
 */
export function filesAtATime(cores: number, busyElsewhere: number, processFiles?: number): FilesAtATime {
  const full = Math.min(4, 2 * cores);
  const saturated = busyElsewhere >= 0.9 * cores;
  const counts = saturated
    ? { unit: Math.max(1, Math.floor(cores / 2)), process: Math.max(1, full / 2) }
    : { unit: cores, process: full };
  return processFiles === undefined ? counts : { ...counts, process: processFiles };
}

/** TEST_PROCESS_FILES=N (a whole number from 1): the process layers' files at a time; else undefined. */
export function processFilesSetting(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const files = Number(value);
  if (!Number.isInteger(files) || files < 1)
    throw new Error(`TEST_PROCESS_FILES must be a whole number from 1, not '${value}'`);
  return files;
}

function machineBusyMs(): number {
  return cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

/** Samples the cores' use for `windowMs` (half a second: /proc/stat counts in 10 ms ticks). */
export async function sampleCoresBusyElsewhere(windowMs = 500): Promise<number> {
  const machineBefore = machineBusyMs();
  const ownBefore = process.cpuUsage();
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const own = process.cpuUsage(ownBefore);
  return coresBusyElsewhere(
    machineBusyMs() - machineBefore,
    (own.user + own.system) / 1000,
    performance.now() - start,
  );
}
