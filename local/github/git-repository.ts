// The repository behind the GitHub stand-in's contents, refs and pulls endpoints: a real git
// repository on disk (the one the deployer reads its config from), changed with plumbing only
// (hash-object, a private index, commit-tree, update-ref), so a checked-out work tree is never
// touched. Blob ids are GitHub's content `sha`, as on GitHub. Names and files are read through one
// long-lived `git cat-file --batch` (cat-file.ts): each git process costs ~20-50 ms of CPU and
// 60-200 ms of wall on a loaded 2-core machine.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CatFile } from './cat-file.ts';

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
/** Commits isAncestor reads itself before it asks merge-base. */
const WALK_LIMIT = 2000;
/** A commit's parent lines, in its header (before the first empty line). */
const PARENT_LINE = /^parent ([0-9a-f]{40})$/gm;
const SAFE_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[^\0]{1,1024}$/;

export class GitRepositoryError extends Error {
  readonly kind: 'not-found' | 'conflict' | 'invalid';
  constructor(kind: GitRepositoryError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface CommitIdentity {
  name: string;
  email: string;
}

export class GitRepository {
  readonly dir: string;
  /** Writes one at a time: each reads a head and moves it. */
  #writes: Promise<unknown> = Promise.resolve();
  /**
   * Branch names git accepted: whether a name is valid depends on the name alone, and asking git again
   * for the same few names was over a quarter of the stand-in's git processes (a pull request's state
   * is read from its branches on every listing).
   */
  readonly #validBranches = new Set<string>();

  readonly #objects: CatFile;

  constructor(dir: string) {
    this.dir = dir;
    this.#objects = new CatFile(dir, GIT_ENV);
  }

  /** Ends the object reader; call after the last request was answered. */
  close(): Promise<void> {
    return this.#objects.close();
  }

  /** The branch HEAD names (GitHub's default branch). */
  async defaultBranch(): Promise<string> {
    const ref = await this.#git(['symbolic-ref', '--short', 'HEAD']).catch(() => 'main');
    return ref.trim();
  }

  /** The commit a branch points at, or undefined. */
  async branchHead(branch: string): Promise<string | undefined> {
    await this.#checkBranch(branch);
    return this.#resolve(`refs/heads/${branch}`);
  }

  /** The commits several branches point at, read by one git process; undefined for a bad or absent one. */
  async branchHeads(branches: string[]): Promise<(string | undefined)[]> {
    const valid = await Promise.all(
      branches.map((branch) =>
        this.#checkBranch(branch).then(
          () => true,
          () => false,
        ),
      ),
    );
    const found = await this.#lookup(branches.filter((_, i) => valid[i]).map((b) => `refs/heads/${b}`));
    return valid.map((ok) => (ok ? found.shift()?.oid : undefined));
  }

  /** A commit named by a branch or a sha, or undefined. */
  async commitOf(ref: string): Promise<string | undefined> {
    if (/^[0-9a-f]{40}$/.test(ref)) return this.#resolve(ref);
    return this.branchHead(ref).catch(() => undefined);
  }

  /** A file's bytes and blob id at a commit; undefined when absent (or not a file). */
  async file(commit: string, file: string): Promise<{ content: Buffer; blob: string } | undefined> {
    checkPath(file);
    const found = await this.#objects.read(`${commit}:${file}`);
    return found?.type === 'blob' ? { content: found.content, blob: found.oid } : undefined;
  }

  /** Creates the branch at `sha`; a conflict when it exists. */
  createBranch(branch: string, sha: string): Promise<void> {
    return this.#write(async () => {
      await this.#checkBranch(branch);
      const [object, existing] = await this.#lookup([sha, `refs/heads/${branch}`]);
      if (!object) throw new GitRepositoryError('invalid', 'Object does not exist');
      if (existing) throw new GitRepositoryError('conflict', 'Reference already exists');
      await this.#git(['update-ref', `refs/heads/${branch}`, sha, '0'.repeat(40)]);
    });
  }

  /** Moves the branch to `sha`; without `force` only forward (a fast-forward). */
  moveBranch(branch: string, sha: string, force: boolean): Promise<void> {
    return this.#write(async () => {
      await this.#checkBranch(branch);
      const [head, object] = await this.#lookup([`refs/heads/${branch}`, sha]);
      const current = head?.oid;
      if (!current) throw new GitRepositoryError('not-found', 'Reference does not exist');
      if (!object) throw new GitRepositoryError('invalid', 'Object does not exist');
      if (!force && !(await this.isAncestor(current, sha)))
        throw new GitRepositoryError('invalid', 'Update is not a fast forward');
      await this.#git(['update-ref', `refs/heads/${branch}`, sha, current]);
    });
  }

  /**
   * Commits `content` as `file` on top of the branch. `expectedBlob` is the blob being replaced
   * (GitHub's `sha`): required when the file exists, and it must match (a conflict otherwise).
   */
  commitFile(input: {
    branch: string;
    file: string;
    content: Buffer;
    message: string;
    expectedBlob: string | undefined;
    author: CommitIdentity;
  }): Promise<{ commit: string; blob: string; created: boolean }> {
    return this.#write(async () => {
      checkPath(input.file);
      await this.#checkBranch(input.branch);
      // The branch and the file on it in one read (inside the write queue: nothing moves the branch).
      const [head, file] = await this.#lookup([
        `refs/heads/${input.branch}`,
        `refs/heads/${input.branch}:${input.file}`,
      ]);
      const parent = head?.oid;
      if (!parent) throw new GitRepositoryError('not-found', `Branch ${input.branch} not found`);
      const existing = file?.oid;
      if (existing && input.expectedBlob === undefined)
        throw new GitRepositoryError('invalid', '"sha" wasn\'t supplied.');
      if (existing && input.expectedBlob !== existing)
        throw new GitRepositoryError('conflict', `${input.file} does not match ${input.expectedBlob}`);
      const scratch = await mkdtemp(path.join(tmpdir(), 'github-stand-in-index-'));
      try {
        // One process forked from ours (a fork of a test worker costs ~50 ms of CPU under load); the
        // shell runs the plumbing: blob, a private index from the parent, tree, commit, ref move.
        const message = path.join(scratch, 'message');
        await writeFile(message, input.message);
        const script = [
          'blob=$(git hash-object -w --stdin)',
          'git read-tree "$1"',
          'git update-index --add --cacheinfo "100644,$blob,$2"',
          'tree=$(git write-tree)',
          'commit=$(git commit-tree "$tree" -p "$1" -F "$3")',
          'git update-ref "refs/heads/$4" "$commit" "$1"',
          'echo "$blob $commit"',
        ].join(' && ');
        const out = await this.#gitBytes(
          ['-c', script, 'commit-file', parent, input.file, message, input.branch],
          input.content,
          {
            GIT_INDEX_FILE: path.join(scratch, 'index'),
            GIT_AUTHOR_NAME: input.author.name,
            GIT_AUTHOR_EMAIL: input.author.email,
            GIT_COMMITTER_NAME: input.author.name,
            GIT_COMMITTER_EMAIL: input.author.email,
          },
          'sh',
        );
        const [blob, commit] = out.toString('utf8').trim().split(' ') as [string, string];
        return { commit, blob, created: existing === undefined };
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    });
  }

  /**
   * Whether `ancestor` is `descendant` or reachable from it. Walks the commits through the object
   * reader (every listing of pull requests asks, for each open one); a history longer than
   * WALK_LIMIT commits, one with a commit missing (a shallow clone), or names other than object ids,
   * are left to merge-base.
   */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const oids = /^[0-9a-f]{40}$/;
    const seen = new Set(oids.test(ancestor) && oids.test(descendant) ? [descendant] : []);
    const queue = [...seen];
    for (let next = queue.shift(); next !== undefined && seen.size <= WALK_LIMIT; next = queue.shift()) {
      const commit = await this.#objects.read(next);
      if (commit?.type !== 'commit') break;
      if (next === ancestor) return true;
      const header = commit.content.subarray(0, commit.content.indexOf('\n\n')).toString('latin1');
      for (const [, parent] of header.matchAll(PARENT_LINE)) {
        if (parent && !seen.has(parent)) {
          seen.add(parent);
          queue.push(parent);
        }
      }
      if (queue.length === 0) return false;
    }
    return this.#git(['merge-base', '--is-ancestor', ancestor, descendant]).then(
      () => true,
      () => false,
    );
  }

  /** Commits reachable from `head` but not from `base` (GitHub's "commits between"). */
  async commitsBetween(base: string, head: string): Promise<number> {
    return Number((await this.#git(['rev-list', '--count', `${base}..${head}`])).trim());
  }

  /** Fast-forwards `base` to `head` when it can, else records a merge commit (the "Merge" button). */
  merge(base: string, head: string, message: string, author: CommitIdentity): Promise<string> {
    return this.#write(async () => {
      const [baseHead, headHead] = await this.#lookup([`refs/heads/${base}`, `refs/heads/${head}`]);
      const baseSha = baseHead?.oid;
      const headSha = headHead?.oid;
      if (!baseSha || !headSha) throw new GitRepositoryError('not-found', 'Branch not found');
      if (await this.isAncestor(baseSha, headSha)) {
        await this.#git(['update-ref', `refs/heads/${base}`, headSha, baseSha]);
        return headSha;
      }
      const tree = (
        await this.#git(['merge-tree', '--write-tree', baseSha, headSha]).catch(() => {
          throw new GitRepositoryError('conflict', 'Merge conflict');
        })
      )
        .trim()
        .split('\n')[0] as string;
      const identity = {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      };
      const commit = (
        await this.#git(
          ['commit-tree', tree, '-p', baseSha, '-p', headSha, '-F', '-'],
          Buffer.from(message),
          identity,
        )
      ).trim();
      await this.#git(['update-ref', `refs/heads/${base}`, commit, baseSha]);
      return commit;
    });
  }

  #write<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(work);
    this.#writes = run.catch(() => undefined);
    return run;
  }

  async #resolve(name: string): Promise<string | undefined> {
    return (await this.#lookup([name]))[0]?.oid;
  }

  /** The object each name (a ref, an object id, `<commit>:<path>`) names, in order; undefined when missing. */
  async #lookup(names: string[]): Promise<({ oid: string; type: string } | undefined)[]> {
    return Promise.all(names.map((name) => this.#objects.read(name)));
  }

  async #checkBranch(branch: string): Promise<void> {
    if (this.#validBranches.has(branch)) return;
    const valid = await this.#git(['check-ref-format', '--branch', branch]).then(
      () => !branch.startsWith('-'),
      () => false,
    );
    if (!valid)
      throw new GitRepositoryError('invalid', `${JSON.stringify(branch)} is not a valid branch name`);
    this.#validBranches.add(branch);
  }

  #git(args: string[], input?: Buffer, env: Record<string, string> = {}): Promise<string> {
    return this.#gitBytes(args, input, env).then((out) => out.toString('utf8'));
  }

  /** Runs git (or `sh -c` running git: `args[2]` names the script in errors) in the repository. */
  #gitBytes(
    args: string[],
    input?: Buffer,
    env: Record<string, string> = {},
    command = 'git',
  ): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        command,
        args,
        {
          cwd: this.dir,
          encoding: 'buffer',
          maxBuffer: 10 * 1024 * 1024,
          env: { ...process.env, ...GIT_ENV, ...env },
        },
        (error, stdout, stderr) => {
          if (error)
            reject(
              new Error(
                `git ${command === 'git' ? args[0] : args[2]} failed: ${stderr.toString('utf8').trim() || error.message}`,
              ),
            );
          else resolve(stdout);
        },
      );
      child.stdin?.end(input);
    });
  }
}

function checkPath(file: string): void {
  if (!SAFE_PATH.test(file))
    throw new GitRepositoryError('invalid', `${JSON.stringify(file)} is not a path in the repository`);
}
