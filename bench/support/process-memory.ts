// Where a process's resident memory is, read from outside it (Linux /proc) and from its /metrics: what
// bench:scale prints beside RSS, so a change is seen in the part it moves (V8's heap, malloc, the
// mapped node binary) and the run shows the V8 and malloc settings the process really had.
import { readFile } from 'node:fs/promises';
import { STATUS_TOKEN } from './deployer-process.ts';
import { formatBytes } from './stats.ts';

export interface ProcessMemory {
  rssBytes: number;
  /** Anonymous pages: V8's heap, malloc, thread stacks. */
  anonBytes: number;
  /** File-backed pages: the node binary and the libraries, as far as they were touched. */
  fileBytes: number;
  threads: number;
  /** From /metrics (prom-client's default metrics); undefined when it did not answer. */
  heapUsedBytes: number | undefined;
  heapTotalBytes: number | undefined;
  externalBytes: number | undefined;
}

const KIB = 1024;

export async function processMemory(pid: number, url: string): Promise<ProcessMemory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  const metrics = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })
    .then((response) => response.text())
    .catch(() => '');
  const metric = (name: string) => {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(metrics);
    return match ? Number(match[1]) : undefined;
  };
  return {
    rssBytes: field('VmRSS') * KIB,
    anonBytes: field('RssAnon') * KIB,
    fileBytes: field('RssFile') * KIB,
    threads: field('Threads'),
    heapUsedBytes: metric('nodejs_heap_size_used_bytes'),
    heapTotalBytes: metric('nodejs_heap_size_total_bytes'),
    externalBytes: metric('nodejs_external_memory_bytes'),
  };
}

/**
 * Anonymous pages outside V8's heap: malloc (glibc keeps what it freed mid-heap resident), thread
 * stacks. Approximate: V8's committed heap is not all resident.
 */
function outsideV8HeapBytes(memory: ProcessMemory): number | undefined {
  return memory.heapTotalBytes === undefined ? undefined : memory.anonBytes - memory.heapTotalBytes;
}

export function describeMemory(memory: ProcessMemory): string {
  const bytes = (value: number | undefined) => (value === undefined ? 'n/a' : formatBytes(value));
  return (
    `RSS ${bytes(memory.rssBytes)} (anonymous ${bytes(memory.anonBytes)}, files ${bytes(memory.fileBytes)}), ` +
    `V8 heap used ${bytes(memory.heapUsedBytes)} of ${bytes(memory.heapTotalBytes)} committed, ` +
    `anonymous outside V8's heap ~${bytes(outsideV8HeapBytes(memory))}, ` +
    `external ${bytes(memory.externalBytes)}, ${memory.threads} threads`
  );
}

/** The memory settings the process was started with, from its own environment (not the parent's). */
export async function memorySettings(pid: number): Promise<string> {
  const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
  const value = (name: string) =>
    environ.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
  return ['NODE_OPTIONS', 'MALLOC_ARENA_MAX']
    .map((name) => `${name}=${value(name) === undefined ? '(unset)' : JSON.stringify(value(name))}`)
    .join(' ');
}
