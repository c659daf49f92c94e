// Local mode: edits of the config directory become a `resync` within a second, whatever the editor.
// Each directory of the tree is watched on its own, never each file: inotify reports a change of any
// entry of a watched directory (written, created, deleted, renamed over) to the directory's watch
// (https://man7.org/linux/man-pages/man7/inotify.7.html, "When monitoring a directory"). Node's
// recursive fs.watch on Linux instead watches every file (a watch, an FSWatcher and a Stats each:
// ~1 KB of heap per service file, and 10,000 files need more watches than the per-user
// /proc/sys/fs/inotify/max_user_watches of 8,192 many kernels default to), and keeps watching the
// inode it saw first, so a file replaced by a rename (vim, git checkout) went silent after one save.
// Two layers: every watch event re-arms the watches (a directory replaced by a rename is then seen
// anew), and a slow poll compares the directory's content revision, the safety net for whatever a
// watch misses (a change during a re-arm, network filesystems). The watch is what sees an edit within
// a second; the poll reads every file, so it is slow (issue 17: at 10,000 services a 500 ms poll,
// spaced out by its own read time, still read every file every ~30 s, megabytes of garbage each).
// A change is reported only when the content revision differs, so an editor's burst (temp file,
// rename, chmod) or a touch without an edit is one call or none.
import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import path from 'node:path';

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

export const CONFIG_POLL_MS = 10_000;
/**
 * The poll waits at least this many times as long as its last read took: the safety net spends at
 * most ~1/200 of the time reading (reading 10,000 files takes a second or more: every ~4 minutes then).
 */
export const POLL_BUDGET = 200;

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
  let watchers: FSWatcher[] = [];

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

  const unwatch = () => {
    for (const watcher of watchers) watcher.close();
    watchers = [];
  };

  const arm = () => {
    unwatch();
    if (lifetime.signal.aborted) return;
    try {
      if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
      for (const directory of directoriesUnder(dir)) {
        const watcher = watch(directory, { persistent: false }, onEvent);
        watcher.on('error', report);
        watchers.push(watcher);
      }
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
      unwatch();
    },
  };
}

/** `dir` and every directory below it (symbolic links not followed), parents first. */
function directoriesUnder(dir: string): string[] {
  const found = [dir];
  for (let index = 0; index < found.length; index += 1) {
    const parent = found[index] as string;
    for (const entry of readdirSync(parent, { withFileTypes: true }))
      if (entry.isDirectory()) found.push(path.join(parent, entry.name));
  }
  return found;
}
