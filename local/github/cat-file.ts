// One long-lived `git cat-file --batch -z` per repository: every object read (a ref, an object id,
// `<commit>:<path>`) is a line on its stdin instead of a git process. Spawning git forks the whole
// calling Node process (~50 ms of CPU in a loaded test worker); a line costs git microseconds.
// Each name is resolved when git reads it, so refs moved by other processes (update-ref, a test's
// own `git commit`, pack-refs) are seen at once: loose refs are read from their file on every
// lookup and packed-refs is re-read when its stat changes.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export interface GitObject {
  oid: string;
  type: string;
  content: Buffer;
}

interface Pending {
  name: Buffer;
  resolve(object: GitObject | undefined): void;
  reject(error: Error): void;
}

const HEADER = /^([0-9a-f]{40}) (\w+) (\d+)$/;

export class CatFile {
  readonly #dir: string;
  readonly #env: Record<string, string>;
  #child: ChildProcessWithoutNullStreams | undefined;
  /** Answers arrive in the order the names were written. */
  #pending: Pending[] = [];
  #buffered: Buffer = Buffer.alloc(0);
  #stderr = '';

  constructor(dir: string, env: Record<string, string>) {
    this.#dir = dir;
    this.#env = env;
  }

  /** The object `name` names, with its bytes; undefined when missing (or ambiguous). */
  read(name: string): Promise<GitObject | undefined> {
    // -z reads NUL-terminated names: one with a NUL (or an empty one) would split or skip an answer.
    if (name === '' || name.includes('\0')) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const child = this.#start();
      const bytes = Buffer.from(name);
      this.#pending.push({ name: bytes, resolve, reject });
      child.stdin.write(Buffer.concat([bytes, Buffer.from([0])]));
    });
  }

  /** Ends git (it exits at the end of its input) after the answers being waited for. */
  async close(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.stdin.end();
    await exited;
  }

  #start(): ChildProcessWithoutNullStreams {
    if (this.#child) return this.#child;
    const child = spawn('git', ['cat-file', '--batch', '-z'], {
      cwd: this.#dir,
      env: { ...process.env, ...this.#env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.#buffered = Buffer.alloc(0);
    this.#stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      this.#buffered = this.#buffered.length ? Buffer.concat([this.#buffered, chunk]) : chunk;
      this.#answer();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-2000);
    });
    const fail = (error: Error) => {
      if (this.#child === child) this.#child = undefined;
      const waiting = this.#pending;
      this.#pending = [];
      for (const pending of waiting) pending.reject(error);
    };
    child.on('error', fail);
    child.on('close', (code) =>
      fail(new Error(`git cat-file exited with ${code}: ${this.#stderr.trim() || 'no message'}`)),
    );
    child.stdin.on('error', () => undefined);
    return child;
  }

  /** Settles the oldest name for each complete answer in the buffer. */
  #answer(): void {
    for (;;) {
      const next = this.#pending[0];
      if (!next) return;
      const buffered = this.#buffered;
      // Part of an answer that may still be `<name> missing` (a name may hold a newline): wait.
      if (buffered.length <= next.name.length && next.name.subarray(0, buffered.length).equals(buffered))
        return;
      // `<name> missing\n` / `<name> ambiguous\n`: the name is ours, and may hold a newline.
      const tail = buffered.subarray(next.name.length);
      if (buffered.subarray(0, next.name.length).equals(next.name) && tail[0] === 0x20) {
        const end = tail.indexOf(0x0a);
        if (end < 0) return;
        const word = tail.subarray(1, end).toString('latin1');
        if (word === 'missing' || word === 'ambiguous') {
          this.#settle(next.name.length + end + 1, () => next.resolve(undefined));
          continue;
        }
      }
      // `<oid> <type> <size>\n<content>\n`
      const newline = buffered.indexOf(0x0a);
      if (newline < 0) return;
      const header = HEADER.exec(buffered.subarray(0, newline).toString('latin1'));
      if (!header) {
        this.#child?.kill();
        return;
      }
      const start = newline + 1;
      const end = start + Number(header[3]);
      if (buffered.length < end + 1) return;
      const object = {
        oid: header[1] as string,
        type: header[2] as string,
        content: Buffer.from(buffered.subarray(start, end)),
      };
      this.#settle(end + 1, () => next.resolve(object));
    }
  }

  #settle(consumed: number, done: () => void): void {
    this.#buffered = this.#buffered.subarray(consumed);
    this.#pending.shift();
    done();
  }
}
