// The GitHub stand-in's repository endpoints (contents, refs, pulls) over a real git repository: each
// answer validates against GitHub's documented response schema, refusals are the ones GitHub gives
// (stale content sha 409, existing ref 422, a second open pull request for a head 422), and what a
// pull request changes lands in git without touching the checked-out work tree.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OperationName, operationSchemas } from '../../../local/github/openapi-operations.ts';
import { type GitHubStandIn, startGitHubStandIn } from '../../../local/github/server.ts';
import { ConfigRepo } from '../../support/config-repo.ts';

const FILE = 'config/services/actors.yaml';
const ORIGINAL = 'name: actors # the service\nimage:\n  repository: actors\n';

describe('GitHub stand-in: contents, refs and pull requests over a git repository', () => {
  let github: GitHubStandIn;
  let repo: ConfigRepo;
  let main: string;
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${github.url}${route}`, {
      method,
      headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const valid = (operation: OperationName, answer: { status: number; body: unknown }) =>
    expect(operationSchemas().checkResponse(operation, answer.status, answer.body)).toEqual([]);

  beforeAll(async () => {
    repo = await ConfigRepo.create();
    main = await repo.commit({ [FILE]: ORIGINAL }, 'initial config');
    github = await startGitHubStandIn({
      logger: pino({ level: 'silent' }),
      token: 'test-token',
      repository: repo.dir,
    });
  });
  afterAll(async () => {
    await github?.close();
    await repo?.remove();
  });

  it('GET contents answers the file in base64 with its blob id as sha, as documented', async () => {
    const answer = await call('GET', `/repos/o/r/contents/${encodeURIComponent(FILE)}?ref=main`);
    expect(answer.status).toBe(200);
    valid('getContent', answer);
    expect(Buffer.from(String(answer.body.content), 'base64').toString('utf8')).toBe(ORIGINAL);
    expect(answer.body.sha).toBe(await repo.git('rev-parse', `main:${FILE}`));
    expect((await call('GET', '/repos/o/r/contents/config/services/nope.yaml')).status).toBe(404);
  });

  it('a branch, a commit on it and a pull request: each answer documented, git holds the change', async () => {
    const ref = await call('GET', '/repos/o/r/git/ref/heads/main');
    expect(ref).toMatchObject({ status: 200, body: { object: { sha: main } } });
    valid('getRef', ref);

    const created = await call('POST', '/repos/o/r/git/refs', { ref: 'refs/heads/pin-actors', sha: main });
    expect(created.status).toBe(201);
    valid('createRef', created);
    expect(
      await call('POST', '/repos/o/r/git/refs', { ref: 'refs/heads/pin-actors', sha: main }),
    ).toMatchObject({
      status: 422,
      body: { message: 'Reference already exists' },
    });

    const blob = await repo.git('rev-parse', `main:${FILE}`);
    const changed = `${ORIGINAL}  pin: "1.0.0"\n`;
    const stale = await call('PUT', `/repos/o/r/contents/${FILE}`, {
      message: 'pin',
      content: Buffer.from(changed).toString('base64'),
      sha: '0'.repeat(40),
      branch: 'pin-actors',
    });
    expect(stale.status).toBe(409);
    const typo = await call('PUT', `/repos/o/r/contents/${FILE}`, {
      message: 'pin',
      content: Buffer.from(changed).toString('base64'),
      sha: blob,
      brnach: 'pin-actors',
    });
    expect(typo.status).toBe(422);

    const updated = await call('PUT', `/repos/o/r/contents/${FILE}`, {
      message: 'Pin actors to 1.0.0',
      content: Buffer.from(changed).toString('base64'),
      sha: blob,
      branch: 'pin-actors',
    });
    expect(updated.status).toBe(200);
    valid('updateFileContents', updated);
    expect(await repo.git('show', `pin-actors:${FILE}`)).toBe(changed.trimEnd());
    expect(await repo.git('log', '-1', '--format=%s', 'pin-actors')).toBe('Pin actors to 1.0.0');
    expect(await repo.git('rev-parse', 'main')).toBe(main);
    expect(await readFile(path.join(repo.dir, FILE), 'utf8')).toBe(ORIGINAL);
    expect(await repo.git('status', '--porcelain')).toBe('');

    const pull = await call('POST', '/repos/o/r/pulls', {
      title: 'Pin actors',
      head: 'pin-actors',
      base: 'main',
      body: 'why',
    });
    expect(pull).toMatchObject({
      status: 201,
      body: { number: 1, state: 'open', head: { ref: 'pin-actors' } },
    });
    valid('createPull', pull);
    const again = await call('POST', '/repos/o/r/pulls', { title: 'x', head: 'pin-actors', base: 'main' });
    expect(again.status).toBe(422);
    expect(JSON.stringify(again.body)).toContain('A pull request already exists for o:pin-actors.');

    const open = await call('GET', '/repos/o/r/pulls?head=o:pin-actors&state=open');
    expect(open.status).toBe(200);
    valid('listPulls', open);
    expect((open.body as unknown as { number: number }[]).map((p) => p.number)).toEqual([1]);
    expect((await call('GET', '/repos/o/r/pulls?head=o:other&state=open')).body).toEqual([]);
  });

  it('a pull request whose commits reach the base by hand is merged; the branch then moves only by force', async () => {
    await repo.git('merge', '--ff-only', '-q', 'pin-actors');
    expect((await call('GET', '/repos/o/r/pulls?head=o:pin-actors&state=open')).body).toEqual([]);
    expect(await github.pulls()).toMatchObject([{ number: 1, state: 'closed', merged: true }]);

    const older = main;
    expect((await call('PATCH', '/repos/o/r/git/refs/heads/pin-actors', { sha: older })).status).toBe(422);
    const forced = await call('PATCH', '/repos/o/r/git/refs/heads/pin-actors', { sha: older, force: true });
    expect(forced.status).toBe(200);
    valid('updateRef', forced);
    expect(await repo.git('rev-parse', 'pin-actors')).toBe(older);
  });

  it('the page merges an open pull request (POST /_pulls/N/merge)', async () => {
    const head = await repo.git('rev-parse', 'main');
    await call('PATCH', '/repos/o/r/git/refs/heads/pin-actors', { sha: head, force: true });
    const blob = await repo.git('rev-parse', `main:${FILE}`);
    await call('PUT', `/repos/o/r/contents/${FILE}`, {
      message: 'unpin',
      content: Buffer.from(ORIGINAL).toString('base64'),
      sha: blob,
      branch: 'pin-actors',
    });
    const pull = await call('POST', '/repos/o/r/pulls', { title: 'Unpin', head: 'pin-actors', base: 'main' });
    const merged = await fetch(`${github.url}/_pulls/${pull.body.number}/merge`, { method: 'POST' });
    expect(merged.status).toBe(200);
    expect(await repo.git('show', `main:${FILE}`)).toBe(ORIGINAL.trimEnd());
    expect((await github.pulls()).at(-1)).toMatchObject({ state: 'closed', merged: true });
  });

  it('without a repository the repository endpoints answer 404 saying so', async () => {
    const bare = await startGitHubStandIn({ logger: pino({ level: 'silent' }), token: 'test-token' });
    try {
      const response = await fetch(`${bare.url}/repos/o/r/contents/${FILE}`, {
        headers: { authorization: 'Bearer test-token' },
      });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { message: string }).message).toContain('holds no repository');
    } finally {
      await bare.close();
    }
  });
});
