// Memory samples that compare like with like: heap after a forced full GC, and RSS.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Forces a full GC (exposing `gc` at run time if node was not started with --expose-gc). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
}

/** RSS and heap in use after a full GC. */
export function sampleMemory(): MemorySample {
  collectGarbage();
  const usage = process.memoryUsage();
  return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed };
}
