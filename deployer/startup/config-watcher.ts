// Local mode: edits of the config directory become a `resync` within a second, whatever the editor.
// Node's recursive fs.watch on Linux keeps watching the inode it saw first, so a file replaced by a
// rename (vim, JetBrains safe write, git checkout/pull) goes silent after its first save. Two layers:
// every watch event re-arms the watch (it then sees the new inodes), and a short poll compares the
// directory's content revision, the safety net for whatever a watch misses (a change during a
// re-arm, network filesystems). A change is reported only when the content revision differs, so
// an editor's burst (temp file, rename, chmod) or a touch without an edit is one call or none.
import { type FSWatcher, statSync, watch } from 'node:fs';

export interface ConfigWatcher {
  /** Resolves once the starting revision is known (changes are reported against it). */
  readonly started: Promise<void>;
  close(): void;
}

export interface ConfigWatcherOptions {
  /** The content revision of the directory (DirectoryConfigSource's, so it matches the status). */
  revision: (signal: AbortSignal) => Promise<string>;
  /** Quiet time after a watch event before the directory is read (an editor's burst is one read). */
  debounceMs?: number;
  /**
   * How often, at least, the revision is compared even without watch events; 0 turns the poll off.
   * A read that takes long spaces the polls out (POLL_BUDGET), so thousands of files cost a bounded share of CPU.
   */
  pollMs?: number;
  /** The revision already known (the one the runtime loaded); changes are reported against it. */
  knownRevision?: string;
  onError?: (error: unknown) => void;
}

export const CONFIG_POLL_MS = 500;
/**
 * The poll waits at least this many times as long as its last read took: the safety net spends at
 * most ~1/20 of the time reading (reading 10,000 files takes a second or more; every 500 ms it would
 * be a core).
 */
export const POLL_BUDGET = 20;

export function watchConfigDirectory(
  dir: string,
  onChange: (revision: string) => void,
  options: ConfigWatcherOptions,
): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 100;
  const pollMs = options.pollMs ?? CONFIG_POLL_MS;
  const lifetime = new AbortController();
  let known: string | undefined = options.knownRevision;
  let checking: Promise<void> | undefined;
  let again = false;
  let lastError = '';
  let debounce: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;

  const report = (error: unknown) => {
    // A poll that keeps failing the same way is reported once, not twice a second.
    const text = String(error);
    if (text === lastError) return;
    lastError = text;
    options.onError?.(error);
  };

  const compare = async () => {
    const revision = await options.revision(lifetime.signal);
    lastError = '';
    if (lifetime.signal.aborted || revision === known) return;
    const first = known === undefined;
    known = revision;
    if (!first) onChange(revision);
  };

  /** Reads the revision; a request during a read runs once more after it, never in parallel. */
  const check = (): Promise<void> => {
    if (checking) {
      again = true;
      return checking;
    }
    checking = (async () => {
      do {
        again = false;
        await compare().catch((error: unknown) => {
          if (!lifetime.signal.aborted) report(error);
        });
      } while (again && !lifetime.signal.aborted);
      checking = undefined;
    })();
    return checking;
  };

  const arm = () => {
    watcher?.close();
    watcher = undefined;
    if (lifetime.signal.aborted) return;
    try {
      // Linux's recursive watch silently watches nothing when the directory is missing: check first.
      if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
      watcher = watch(dir, { recursive: true, persistent: false }, onEvent);
      watcher.on('error', report);
    } catch (error) {
      report(error);
    }
  };

  function onEvent() {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      arm();
      void check();
    }, debounceMs);
  }

  let poll: NodeJS.Timeout | undefined;
  const schedulePoll = (lastReadMs: number) => {
    if (pollMs <= 0 || lifetime.signal.aborted) return;
    poll = setTimeout(
      () => {
        const began = performance.now();
        void check().then(() => schedulePoll(performance.now() - began));
      },
      Math.max(pollMs, POLL_BUDGET * lastReadMs),
    );
    poll.unref();
  };

  arm();
  const began = performance.now();
  const started = check();
  void started.then(() => schedulePoll(performance.now() - began));

  return {
    started,
    close() {
      lifetime.abort();
      clearTimeout(debounce);
      clearTimeout(poll);
      watcher?.close();
    },
  };
}
