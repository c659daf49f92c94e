// Size limits of what a config source reads (docs/deployer.md, "Config limits"). A service config is a
// few hundred bytes; a file far beyond that is a mistake or an attack, and reading it whole could
// exhaust memory or the git output buffer. A file over a limit is not read: it becomes an error that
// names it, the revision is rejected like any invalid config and the last good one stays in force.
import type { ConfigError } from '../domain/types.ts';

/** Largest service config file read, in bytes. */
export const MAX_CONFIG_FILE_BYTES = 256 * 1024;
/** Largest sum of the service config files of one revision, in bytes. */
export const MAX_CONFIG_TOTAL_BYTES = 8 * 1024 * 1024;

export interface SizedEntry {
  path: string;
  bytes: number;
}

export interface SizeCheck {
  /** Paths within both limits, to be read. */
  readable: Set<string>;
  problems: ConfigError[];
}

const KIB = 1024;
const size = (bytes: number) =>
  bytes >= KIB * KIB ? `${(bytes / KIB / KIB).toFixed(1)} MiB` : `${Math.ceil(bytes / KIB)} KiB`;

/** Which files to read: each within the per-file limit, and (in path order) while the sum stays within the total. */
export function checkConfigSizes(entries: readonly SizedEntry[]): SizeCheck {
  const readable = new Set<string>();
  const problems: ConfigError[] = [];
  let total = 0;
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const entry of sorted) {
    const at = { file: entry.path, line: 1, column: 1, field: '' };
    if (entry.bytes > MAX_CONFIG_FILE_BYTES) {
      problems.push({
        ...at,
        message: `the file is ${size(entry.bytes)}, over the ${size(MAX_CONFIG_FILE_BYTES)} limit of a service config file; it was not read (is it the right file?)`,
      });
      continue;
    }
    if (total + entry.bytes > MAX_CONFIG_TOTAL_BYTES) {
      problems.push({
        ...at,
        message: `reading this file would bring the service configs to ${size(total + entry.bytes)}, over the ${size(MAX_CONFIG_TOTAL_BYTES)} limit of all of them together; it was not read`,
      });
      continue;
    }
    total += entry.bytes;
    readable.add(entry.path);
  }
  return { readable, problems };
}
