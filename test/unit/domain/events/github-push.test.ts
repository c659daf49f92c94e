import { describe, expect, it } from 'vitest';
import {
  type GithubDelivery,
  type GithubEventOutcome,
  type GithubParseOptions,
  parseGithubEvent,
} from '../../../../deployer/domain/events/github-push.ts';
import { githubEventNames, githubExamples, githubHosts } from './github-examples.ts';

const OPTIONS = { configDir: 'config', trackedRef: 'refs/heads/master' };
const BEFORE = 'a10867b14bb761a232cd80139fbd4c0d33264240';
const AFTER = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';

const delivery = (eventName: string | undefined, body: unknown, deliveryId: string | null = 'd-1') =>
  ({
    eventName,
    deliveryId: deliveryId ?? undefined,
    rawBody: typeof body === 'string' ? body : JSON.stringify(body),
  }) satisfies GithubDelivery;

function outcome(d: GithubDelivery, options: GithubParseOptions = OPTIONS): GithubEventOutcome {
  const result = parseGithubEvent(d, options);
  if (!result.ok) throw new Error(`expected an outcome, got ${result.error.message}`);
  return result.value;
}

function failure(d: GithubDelivery, options: GithubParseOptions = OPTIONS) {
  const result = parseGithubEvent(d, options);
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
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
  return {
    ...branchPush,
    before: BEFORE,
    created: false,
    commits: [c],
    head_commit: c,
    ...over,
  };
}

describe('parseGithubEvent with the @octokit/webhooks-examples payloads', () => {
  it('returns a git-push message for the documented branch push', () => {
    expect(outcome(delivery('push', branchPush))).toEqual({
      kind: 'push',
      message: {
        kind: 'git-push',
        deliveryId: 'd-1',
        repository: 'Codertocat/Hello-World',
        ref: 'refs/heads/master',
        before: '0000000000000000000000000000000000000000',
        after: AFTER,
        deleted: false,
        forced: false,
        // A new branch has no base to compare with: conservatively "changed".
        configChanged: true,
      },
    });
  });

  it('ignores every documented tag push and tag deletion', () => {
    const tags = githubExamples('push').filter((e) => String(e.ref).startsWith('refs/tags/'));
    expect(tags.length).toBeGreaterThan(2);
    for (const example of tags)
      expect(outcome(delivery('push', example))).toEqual({
        kind: 'ignored',
        reason: 'tag push refs/tags/simple-tag',
      });
  });

  it.each(githubExamples('ping').map((e, i) => [i, e]))('returns ping for ping example %i', (_i, example) => {
    expect(outcome(delivery('ping', example))).toEqual({ kind: 'ping' });
  });

  const others = githubEventNames().filter((name) => name !== 'push' && name !== 'ping');
  it('covers many other events', () => expect(others.length).toBeGreaterThan(20));
  it.each(others)('ignores the "%s" event with a reason naming it', (name) => {
    for (const example of githubExamples(name))
      expect(outcome(delivery(name, example))).toEqual({
        kind: 'ignored',
        reason: `event "${name}" is not a push`,
      });
  });
});

describe('parseGithubEvent branch filtering', () => {
  it('ignores a push to another branch, naming both refs', () => {
    const result = outcome(delivery('push', pushOf({ modified: ['config/services/actors.yaml'] })), {
      configDir: 'config',
      trackedRef: 'refs/heads/main',
    });
    expect(result).toEqual({
      kind: 'ignored',
      reason: 'push to refs/heads/master, tracking refs/heads/main',
    });
  });

  it('tracks refs/heads/main when no trackedRef is given', () => {
    const main = pushOf({ modified: ['config/a.yaml'] }, { ref: 'refs/heads/main' });
    expect(outcome(delivery('push', main), { configDir: 'config' })).toMatchObject({ kind: 'push' });
  });

  it('ignores the deletion of the tracked branch', () => {
    const deletion = pushOf(
      {},
      { deleted: true, after: '0000000000000000000000000000000000000000', commits: [], head_commit: null },
    );
    expect(outcome(delivery('push', deletion))).toEqual({
      kind: 'ignored',
      reason: 'branch refs/heads/master was deleted',
    });
  });

  it('treats an all-zero after as a deletion even without the deleted flag', () => {
    const deletion = pushOf({}, { deleted: undefined, after: '0'.repeat(40) });
    expect(outcome(delivery('push', deletion))).toMatchObject({ kind: 'ignored' });
  });
});

describe('parseGithubEvent configChanged', () => {
  const changed = (body: unknown, configDir = 'config') => {
    const result = outcome(delivery('push', body), { ...OPTIONS, configDir });
    if (result.kind !== 'push') throw new Error(`expected a push, got ${result.kind}`);
    return result.message.configChanged;
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
    expect(changed(pushOf(files))).toBe(expected);
  });

  it.each(['config', './config', 'config/', '/config/', ' config '])(
    'normalises the config directory "%s"',
    (dir) => {
      expect(changed(pushOf({ modified: ['config/services/actors.yaml'] }), dir)).toBe(true);
      expect(changed(pushOf({ modified: ['service/main.ts'] }), dir)).toBe(false);
    },
  );

  it.each(['', '.', './'])('counts every file when the config directory is the root "%s"', (dir) => {
    expect(changed(pushOf({ modified: ['README.md'] }), dir)).toBe(true);
  });

  it('supports nested config directories', () => {
    expect(changed(pushOf({ modified: ['deploy/config/services/a.yaml'] }), 'deploy/config')).toBe(true);
    expect(changed(pushOf({ modified: ['deploy/other.yaml'] }), 'deploy/config')).toBe(false);
  });

  it('finds a config change in any commit, not only the head commit', () => {
    const first = { ...commit, id: 'c1', added: [], modified: ['config/services/actors.yaml'], removed: [] };
    const head = { ...commit, added: ['README.md'], modified: [], removed: [] };
    expect(changed(pushOf({}, { commits: [first, head], head_commit: head }))).toBe(true);
  });

  describe('is conservatively true when the payload cannot prove nothing changed', () => {
    it.each([
      ['a forced push', pushOf({ added: ['README.md'] }, { forced: true })],
      ['a new branch', pushOf({ added: ['README.md'] }, { before: '0'.repeat(40), created: true })],
      ['commits absent', pushOf({}, { commits: undefined })],
      ['commits null', pushOf({}, { commits: null })],
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
      expect(changed(body)).toBe(true);
    });
  });

  it('reports forced and deleted flags as sent', () => {
    const result = outcome(delivery('push', pushOf({ added: ['README.md'] }, { forced: true })));
    expect(result).toMatchObject({ kind: 'push', message: { forced: true, deleted: false } });
  });
});

describe('parseGithubEvent errors', () => {
  it.each([
    ['no event name', delivery(undefined, branchPush), 'missing X-GitHub-Event header'],
    ['an empty event name', delivery('', branchPush), 'missing X-GitHub-Event header'],
    ['no delivery id', delivery('push', branchPush, null), 'missing X-GitHub-Delivery header'],
    ['an empty delivery id', delivery('push', branchPush, ''), 'missing X-GitHub-Delivery header'],
    ['a body that is not JSON', delivery('push', '{nope'), 'body is not JSON'],
    [
      'a form-encoded body',
      delivery('push', `payload=${encodeURIComponent(JSON.stringify(branchPush))}`),
      'set the webhook content type to application/json',
    ],
    ['a JSON array', delivery('push', []), 'body must be a JSON object'],
    ['JSON null', delivery('ping', 'null'), 'body must be a JSON object'],
    ['a push without ref', delivery('push', { ...branchPush, ref: undefined }), 'no "ref"'],
    ['a push without after', delivery('push', { ...branchPush, after: 7 }), '"before"/"after"'],
    [
      'a push without repository',
      delivery('push', { ...branchPush, repository: null }),
      'repository.full_name',
    ],
    [
      'a non-boolean forced',
      delivery('push', { ...branchPush, forced: 'yes' }),
      '"forced" must be a boolean',
    ],
    ['commits not an array', delivery('push', { ...branchPush, commits: {} }), '"commits" must be an array'],
    [
      'a commit that is not an object',
      delivery('push', { ...branchPush, commits: [1] }),
      'must hold objects',
    ],
    [
      'a file list that is not paths',
      delivery('push', { ...branchPush, commits: [{ ...commit, added: [1] }] }),
      '"added" must be an array of paths',
    ],
  ])('returns EVENT_INVALID 400 for %s', (_name, d, message) => {
    const error = failure(d);
    expect(error.code).toBe('EVENT_INVALID');
    expect(error.httpStatus).toBe(400);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(message);
  });

  it('checks headers before the body, so a bad request says what is missing', () => {
    expect(failure(delivery(undefined, '{nope')).message).toContain('X-GitHub-Event');
  });
});

describe('parseGithubEvent options', () => {
  const body = pushOf({ modified: ['config/a.yaml'] });

  it('reads a bare branch name as refs/heads/<name>', () => {
    expect(outcome(delivery('push', body), { configDir: 'config', trackedRef: 'master' })).toMatchObject({
      kind: 'push',
    });
  });

  it('ignores pushes from another repository when one is configured', () => {
    expect(outcome(delivery('push', body), { ...OPTIONS, repository: 'octo/other' })).toEqual({
      kind: 'ignored',
      reason: 'push to Codertocat/Hello-World, configured repository is octo/other',
    });
  });

  it.each([
    'Codertocat/Hello-World',
    'https://github.com/Codertocat/Hello-World.git',
    'https://github.com/Codertocat/Hello-World',
    'git@github.com:Codertocat/Hello-World.git',
    'ssh://git@github.com/Codertocat/Hello-World.git/',
  ])('accepts the configured repository given as %s', (repository) => {
    expect(outcome(delivery('push', body), { ...OPTIONS, repository })).toMatchObject({ kind: 'push' });
  });

  it('names the configured repository as owner/name when it ignores a push', () => {
    expect(
      outcome(delivery('push', body), { ...OPTIONS, repository: 'https://github.com/octo/gitops.git' }),
    ).toEqual({
      kind: 'ignored',
      reason: 'push to Codertocat/Hello-World, configured repository is octo/gitops',
    });
  });

  it('compares the configured repository case-insensitively', () => {
    expect(
      outcome(delivery('push', body), { ...OPTIONS, repository: 'codertocat/hello-world' }),
    ).toMatchObject({
      kind: 'push',
    });
  });

  it('bounds untrusted names in reasons', () => {
    const long = outcome(delivery('x'.repeat(5000), body));
    expect(long.kind === 'ignored' && long.reason.length).toBeLessThan(250);
    const ref = outcome(delivery('push', { ...body, ref: `refs/heads/${'y'.repeat(5000)}` }));
    expect(ref.kind === 'ignored' && ref.reason.length).toBeLessThan(250);
  });
});

describe('parseGithubEvent with the GitHub Enterprise Server payloads', () => {
  const hosts = githubHosts.filter((h) => h.startsWith('ghes-'));
  it('finds several GHES releases', () => expect(hosts.length).toBeGreaterThan(2));

  it.each(hosts)('answers every %s example with an outcome, never an error', (host) => {
    for (const name of githubEventNames(host)) {
      for (const example of githubExamples(name, host)) {
        const result = parseGithubEvent(delivery(name, example), OPTIONS);
        expect(result.ok, `${host} ${name}`).toBe(true);
        if (name === 'ping') expect(result).toEqual({ ok: true, value: { kind: 'ping' } });
        else expect(result.ok && result.value.kind, `${host} ${name}`).toBe('ignored');
      }
    }
  });
});
