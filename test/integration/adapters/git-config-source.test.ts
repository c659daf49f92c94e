import { execFileSync } from 'node:child_process';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitConfigSource } from '../../../deployer/adapters/git/git-config-source.ts';
import { redactUrl } from '../../../deployer/adapters/git/run-git.ts';
import type { DeployerError } from '../../../deployer/domain/errors.ts';

const signal = new AbortController().signal;
let work: string;
let repo: string;
const commits: string[] = [];

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

function commit(files: Record<string, string | null>, message: string): string {
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(repo, file);
    if (text === null) unlinkSync(full);
    else {
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
  }
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'git-source-'));
  repo = path.join(work, 'repo');
  mkdirSync(repo);
  git('init', '-q', '-b', 'main');
  commits.push(
    commit(
      {
        'config/services/actors.yaml': 'name: actors\nimage:\n  pin: 1.0.0\n',
        'config/services/notes.txt': 'ignored',
        'config/services/nested/deep.yaml': 'ignored: true\n',
        'README.md': 'not config',
      },
      'first',
    ),
  );
  commits.push(
    commit(
      { 'config/services/actors.yaml': 'name: actors\n', 'config/services/web.yml': 'name: web\n' },
      'second',
    ),
  );
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function source(cacheName: string, repository = repo): GitConfigSource {
  return new GitConfigSource({ repository, branch: 'main', cacheDir: path.join(work, cacheName) });
}

describe('GitConfigSource over a real local repository', () => {
  it.each([
    { at: 0, files: { 'config/services/actors.yaml': 'name: actors\nimage:\n  pin: 1.0.0\n' } },
    {
      at: 1,
      files: { 'config/services/actors.yaml': 'name: actors\n', 'config/services/web.yml': 'name: web\n' },
    },
  ])('read(commit $at) returns exactly the yaml files of that commit', async ({ at, files }) => {
    const snapshot = await source(`cache-at-${at}`).read(commits[at], signal);
    expect(snapshot.revision).toBe(commits[at]);
    expect(Object.fromEntries(snapshot.files.map((f) => [f.path, f.text]))).toEqual(files);
  });

  it('read(undefined) reads the branch head and follows it after a new commit', async () => {
    const src = source('cache-head');
    expect((await src.read(undefined, signal)).revision).toBe(commits[1]);
    const third = commit({ 'config/services/web.yml': null }, 'third');
    const snapshot = await src.read(undefined, signal);
    expect(snapshot.revision).toBe(third);
    expect(snapshot.files.map((f) => f.path)).toEqual(['config/services/actors.yaml']);
    commits.push(third);
  });

  it('read(sha) fetches when the mirror does not have a newer commit yet', async () => {
    const src = source('cache-fetch');
    await src.read(undefined, signal);
    const fourth = commit({ 'config/services/api.yaml': 'name: api\n' }, 'fourth');
    const snapshot = await src.read(fourth, signal);
    expect(snapshot.revision).toBe(fourth);
    expect(snapshot.files.map((f) => f.path)).toContain('config/services/api.yaml');
  });

  it.each([
    { revision: 'f'.repeat(40), why: 'unknown commit' },
    { revision: '--upload-pack=touch /tmp/pwned', why: 'option injection' },
  ])('read($why) fails with a terminal GIT_FAILED', async ({ revision }) => {
    const error = (await source('cache-bad')
      .read(revision, signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('GIT_FAILED');
    expect(error.retryable).toBe(false);
  });

  it('read from a repository that does not exist fails with GIT_FAILED', async () => {
    const error = (await source('cache-missing', path.join(work, 'nope'))
      .read(undefined, signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('GIT_FAILED');
  });

  it('read with an aborted signal fails with ABORTED', async () => {
    const error = (await source('cache-abort')
      .read(undefined, AbortSignal.abort())
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('ABORTED');
  });

  it.each([
    ['https://user:s3cret@github.com/o/r.git', 'https://***@github.com/o/r.git'],
    ['git clone https://x-access-token:ghs_abc@github.com/o/r', 'git clone https://***@github.com/o/r'],
    ['/srv/repo.git', '/srv/repo.git'],
  ])('redactUrl(%s) hides credentials', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('read of a commit with a 33 MiB file refuses that file by name and reads the others (no terminal failure)', async () => {
    const src = source('cache-big');
    const big = commit({ 'config/services/huge.yaml': `# ${'x'.repeat(33 * 1024 * 1024)}\n` }, 'huge');
    const snapshot = await src.read(undefined, signal);
    expect(snapshot.revision).toBe(big);
    expect(snapshot.files.map((f) => f.path)).not.toContain('config/services/huge.yaml');
    expect(snapshot.files.map((f) => f.path)).toContain('config/services/actors.yaml');
    expect(snapshot.problems).toEqual([
      expect.objectContaining({
        file: 'config/services/huge.yaml',
        line: 1,
        message: expect.stringMatching(/33\.0 MiB, over the 256 KiB limit/),
      }),
    ]);
    const fixed = commit({ 'config/services/huge.yaml': null }, 'drop huge');
    const after = await src.read(undefined, signal);
    expect(after.revision).toBe(fixed);
    expect(after.problems).toBeUndefined();
  });
});
