// One line describing the machine a benchmark ran on: timings only compare within the same line.
import { availableParallelism, cpus, loadavg } from 'node:os';

export function machineLine(): string {
  const [one, five] = loadavg();
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `machine: ${availableParallelism()} cores (${model}), Node ${process.version}, load average ${one?.toFixed(1)} (1 min) ${five?.toFixed(1)} (5 min)`;
}
