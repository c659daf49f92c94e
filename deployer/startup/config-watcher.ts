// Local mode: edits of the config directory become a `resync`, debounced so an editor's burst of
// writes (temp file, rename, chmod) is one event. fs.watch is a hint like any event; the periodic
// resync still catches what a watcher misses (network filesystems, editors that replace the dir).
import { type FSWatcher, statSync, watch } from 'node:fs';

export interface ConfigWatcher {
  close(): void;
}

export function watchConfigDirectory(
  dir: string,
  onChange: () => void,
  options: { debounceMs?: number; onError?: (error: unknown) => void } = {},
): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 300;
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  try {
    // Linux's recursive watch silently watches nothing when the directory is missing: check first.
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
    watcher = watch(dir, { recursive: true, persistent: false }, fire);
    watcher.on('error', (error) => options.onError?.(error));
  } catch (error) {
    options.onError?.(error);
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
