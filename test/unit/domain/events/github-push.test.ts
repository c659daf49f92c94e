import { describe, expect, it } from 'vitest';
import {
  decidePush,
  type PushDecision,
  type PushFilter,
  type PushPayload,
} from '../../../../deployer/domain/events/github-push.ts';
import { githubExamples } from './github-examples.ts';

const FILTER: PushFilter = { configDir: 'config', trackedRef: 'refs/heads/master' };
const BEFORE = 'a10867b14bb761a232cd80139fbd4c0d33264240';
const AFTER = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';

function decision(payload: unknown, filter: PushFilter = FILTER): PushDecision {
  const result = decidePush(payload as PushPayload, 'd-1', filter);
  if (!result.ok) throw new Error(`expected a decision, got ${result.error.message}`);
  return result.value;
}

// The documented branch push (example 5: a new branch `master` with one commit adding README.md).
const branchPush = githubExamples('push').find((e) => e.ref === 'refs/heads/master') as Record<
  string,
  unknown
>;
const commit = (branchPush.commits as Record<string, unknown>[])[0] as Record<string, unknown>;

/** The real payload turned into an ordinary push on an existing branch, with the given files. */
function pushOf(files: { added?: string[]; modified?: string[]; removed?: string[] }, over = {}) {
  const c = { ...commit, added: [], modified: [], removed: [], ...files };
  return { ...branchPush, before: BEFORE, created: false, commits: [c], head_commit: c, ...over };
}

describe('decidePush with the @octokit/webhooks-examples payloads', () => {
  it('queues a slim git-push hint (delivery id, head commit, its author and subject) for the documented branch push', () => {
    // A new branch has no base to compare with: conservatively "config changed".
    expect(decision(branchPush)).toEqual({
      kind: 'queue',
      hint: {
        kind: 'git-push',
        deliveryId: 'd-1',
        after: AFTER,
        author: 'Codertocat',
        message: 'Initial commit',
      },
    });
  });

  it('keeps only the first line of a long commit message, bounded', () => {
    const long = `${'x'.repeat(500)}\n\nbody text`;
    const decided = decision(
      pushOf({ modified: ['config/services/a.yaml'] }, { head_commit: { ...commit, message: long } }),
    );
    const hint = decided.kind === 'queue' ? decided.hint : undefined;
    expect([...(hint?.message ?? '')]).toHaveLength(200);
    expect(hint?.message?.endsWith('…')).toBe(true);
  });

  it('leaves author and message out when the head commit is not the pushed one', () => {
    const decided = decision(
      pushOf({ modified: ['config/services/a.yaml'] }, { head_commit: { ...commit, id: BEFORE } }),
    );
    expect(decided).toMatchObject({ kind: 'queue' });
    expect(decided.kind === 'queue' && 'author' in decided.hint).toBe(false);
  });

  it('ignores every documented tag push and tag deletion', () => {
    const tags = githubExamples('push').filter((e) => String(e.ref).startsWith('refs/tags/'));
    expect(tags.length).toBeGreaterThan(2);
    for (const example of tags)
      expect(decision(example)).toEqual({ kind: 'ignored', reason: 'tag push refs/tags/simple-tag' });
  });
});

describe('decidePush branch filtering', () => {
  it('ignores a push to another branch, naming both refs', () => {
    const body = pushOf({ modified: ['config/services/actors.yaml'] });
    expect(decision(body, { configDir: 'config', trackedRef: 'refs/heads/main' })).toEqual({
      kind: 'ignored',
      reason: 'push to refs/heads/master, tracking refs/heads/main',
    });
  });

  it('ignores the deletion of the tracked branch', () => {
    const deletion = pushOf({}, { deleted: true, after: '0'.repeat(40), commits: [], head_commit: null });
    expect(decision(deletion)).toEqual({ kind: 'ignored', reason: 'branch refs/heads/master was deleted' });
  });

  it('treats an all-zero after as a deletion even without the deleted flag', () => {
    expect(decision(pushOf({}, { deleted: false, after: '0'.repeat(40) }))).toMatchObject({
      kind: 'ignored',
    });
  });

  it('refuses an "after" that is not a commit id: it would travel on the queue', () => {
    const result = decidePush(
      pushOf({ modified: ['config/a.yaml'] }, { after: 'HEAD; rm' }) as PushPayload,
      'd',
      FILTER,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('EVENT_INVALID');
  });

  it('accepts a SHA-256 repository commit id (64 hex digits)', () => {
    const after = 'b'.repeat(64);
    expect(decision(pushOf({ modified: ['config/a.yaml'] }, { after }))).toMatchObject({ hint: { after } });
  });
});

describe('decidePush: does the push touch the config?', () => {
  const touches = (body: unknown, configDir = 'config') => {
    const result = decision(body, { ...FILTER, configDir });
    if (result.kind === 'ignored') expect(result.reason).toMatch(/^push does not touch /);
    return result.kind === 'queue';
  };

  it.each([
    ['an added config file', { added: ['config/services/web.yaml'] }, true],
    ['a modified config file', { modified: ['config/services/actors.yaml'] }, true],
    ['a removed config file', { removed: ['config/services/old.yml'] }, true],
    ['a file in a sibling directory with the same prefix', { modified: ['config-old/x.yaml'] }, false],
    ['a file named like the directory elsewhere', { modified: ['docs/config/x.yaml'] }, false],
    ['only README.md', { added: ['README.md'] }, false],
    ['no files at all', {}, false],
    [
      '2999 files outside config (under the limit)',
      { added: Array.from({ length: 2999 }, (_, i) => `f${i}`) },
      false,
    ],
  ])('is %s → %s', (_name, files, expected) => {
    expect(touches(pushOf(files))).toBe(expected);
  });

  it('names the directory when it ignores a push', () => {
    expect(decision(pushOf({ added: ['README.md'] }))).toEqual({
      kind: 'ignored',
      reason: 'push does not touch config/',
    });
  });

  it.each(['config', './config', 'config/', '/config/', ' config '])(
    'normalises the config directory "%s"',
    (dir) => {
      expect(touches(pushOf({ modified: ['config/services/actors.yaml'] }), dir)).toBe(true);
      expect(touches(pushOf({ modified: ['service/main.ts'] }), dir)).toBe(false);
    },
  );

  it.each(['', '.', './'])('counts every file when the config directory is the root "%s"', (dir) => {
    expect(touches(pushOf({ modified: ['README.md'] }), dir)).toBe(true);
  });

  it('supports nested config directories', () => {
    expect(touches(pushOf({ modified: ['deploy/config/services/a.yaml'] }), 'deploy/config')).toBe(true);
    expect(touches(pushOf({ modified: ['deploy/other.yaml'] }), 'deploy/config')).toBe(false);
  });

  it('finds a config change in any commit, not only the head commit', () => {
    const first = { ...commit, id: 'c1', added: [], modified: ['config/services/actors.yaml'], removed: [] };
    const head = { ...commit, added: ['README.md'], modified: [], removed: [] };
    expect(touches(pushOf({}, { commits: [first, head], head_commit: head }))).toBe(true);
  });

  describe('is conservatively yes when the payload cannot prove nothing changed', () => {
    it.each([
      ['a forced push', pushOf({ added: ['README.md'] }, { forced: true })],
      ['a new branch', pushOf({ added: ['README.md'] }, { before: '0'.repeat(40), created: true })],
      ['commits empty while the head moved', pushOf({}, { commits: [] })],
      [
        'a commit at the 3000-file limit',
        pushOf({ added: Array.from({ length: 3000 }, (_, i) => `src/file-${i}.ts`) }),
      ],
      ['head_commit missing', pushOf({ added: ['README.md'] }, { head_commit: null })],
      [
        'head_commit not among the commits',
        pushOf({ added: ['README.md'] }, { head_commit: { id: 'other' } }),
      ],
      [
        'a commit list truncated at 2048',
        pushOf(
          {},
          {
            commits: Array.from({ length: 2048 }, (_, i) => ({
              ...commit,
              id: i === 2047 ? AFTER : `c${i}`,
            })),
          },
        ),
      ],
    ])('%s', (_name, body) => {
      expect(touches(body)).toBe(true);
    });
  });
});

describe('decidePush repository filter', () => {
  const body = pushOf({ modified: ['config/a.yaml'] });

  it('ignores pushes from another repository when one is configured', () => {
    expect(decision(body, { ...FILTER, repository: 'octo/other' })).toEqual({
      kind: 'ignored',
      reason: 'push to Codertocat/Hello-World, configured repository is octo/other',
    });
  });

  it('compares the configured repository case-insensitively', () => {
    expect(decision(body, { ...FILTER, repository: 'codertocat/hello-world' })).toMatchObject({
      kind: 'queue',
    });
  });

  it('bounds untrusted names in reasons', () => {
    const ref = decision({ ...body, ref: `refs/heads/${'y'.repeat(5000)}` });
    expect(ref.kind === 'ignored' && ref.reason.length).toBeLessThan(250);
    const repository = decision(
      { ...body, repository: { full_name: 'z'.repeat(5000) } },
      { ...FILTER, repository: 'a/b' },
    );
    expect(repository.kind === 'ignored' && repository.reason.length).toBeLessThan(260);
  });
});
