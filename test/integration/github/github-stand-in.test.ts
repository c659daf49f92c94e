// The GitHub stand-in holds to GitHub's OpenAPI description: it refuses bodies GitHub would refuse,
// its answers validate against the documented response schemas, and its faults look like GitHub's.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationSchemas } from '../../../local/github/openapi-operations.ts';
import { type GitHubStandIn, startGitHubStandIn } from '../../../local/github/server.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('GitHub stand-in', () => {
  let github: GitHubStandIn;
  const post = (path: string, body: unknown, token = 'test-token') =>
    fetch(`${github.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    github = await startGitHubStandIn({ logger: pino({ level: 'silent' }), token: 'test-token' });
  });
  afterAll(async () => {
    await github?.close();
  });

  it('answers a valid create-deployment with a body that matches the documented 201 schema', async () => {
    const response = await post('/repos/o/r/deployments', {
      ref: SHA,
      environment: 'actors',
      required_contexts: [],
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: number };
    expect(body).toMatchObject({ id: expect.any(Number), sha: SHA, environment: 'actors' });
    expect(operationSchemas().checkResponse('createDeployment', 201, body)).toEqual([]);
    expect(response.headers.get('location')).toBe(`${github.url}/repos/o/r/deployments/${body.id}`);

    const status = await post(`/repos/o/r/deployments/${body.id}/statuses`, {
      state: 'success',
      environment_url: 'http://x/',
    });
    expect(status.status).toBe(201);
    expect(operationSchemas().checkResponse('createDeploymentStatus', 201, await status.json())).toEqual([]);

    const commit = await post(`/repos/o/r/statuses/${SHA}`, {
      state: 'failure',
      context: 'ecs-gitops/config',
    });
    expect(commit.status).toBe(201);
    expect(operationSchemas().checkResponse('createCommitStatus', 201, await commit.json())).toEqual([]);
  });

  it.each([
    [
      'a deployment without ref',
      '/repos/o/r/deployments',
      { environment: 'actors' },
      '',
      "must have required property 'ref'",
    ],
    [
      'a status with an undocumented state',
      '/repos/o/r/deployments/1/statuses',
      { state: 'done' },
      '/state',
      'allowed values',
    ],
    [
      'a commit status with a misspelt property',
      `/repos/o/r/statuses/${SHA}`,
      { state: 'success', contxt: 'x' },
      '/contxt',
      'not a documented property',
    ],
  ])('refuses %s with 422 naming the field', async (_name, path, body, field, message) => {
    const response = await post(path, body);
    expect(response.status).toBe(422);
    const answer = (await response.json()) as { errors: { field: string; message: string }[] };
    expect(answer.errors).toContainEqual(
      expect.objectContaining({ field, message: expect.stringContaining(message) }),
    );
  });

  it('refuses a description over 140 characters on a deployment status', async () => {
    const response = await post('/repos/o/r/deployments/1/statuses', {
      state: 'failure',
      description: 'x'.repeat(141),
    });
    expect(response.status).toBe(422);
  });

  it('answers 401 without the token and 404 for an unknown deployment', async () => {
    expect((await post('/repos/o/r/deployments', { ref: SHA }, 'wrong')).status).toBe(401);
    expect((await post('/repos/o/r/deployments/999/statuses', { state: 'success' })).status).toBe(404);
  });

  it('answers 403 rate-limited with x-ratelimit-remaining 0 and a reset time while the fault lasts', async () => {
    const set = await fetch(`${github.url}/_faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'rate-limit', seconds: 60 }),
    });
    expect(set.status).toBe(200);
    const response = await post('/repos/o/r/deployments', { ref: SHA });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000 + 50);
    expect(await response.json()).toMatchObject({ message: expect.stringContaining('rate limit') });
    await fetch(`${github.url}/_faults`, { method: 'DELETE' });
    expect((await post('/repos/o/r/deployments', { ref: SHA })).status).toBe(201);
  });

  it('holds a rate limit until it is cleared, each 403 naming a reset the given seconds ahead', async () => {
    // A second: the test waits past the first reset to see the limit still held.
    github.setFault({ kind: 'rate-limit', seconds: 1, held: true });
    const first = await post('/repos/o/r/deployments', { ref: SHA });
    expect(first.status).toBe(403);
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 1);
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);
    // Past that reset the limit still holds, with a later reset.
    await new Promise((resolve) => setTimeout(resolve, reset * 1000 - Date.now() + 50));
    const second = await post('/repos/o/r/deployments', { ref: SHA });
    expect(second.status).toBe(403);
    expect(Number(second.headers.get('x-ratelimit-reset'))).toBeGreaterThan(reset);
    expect(github.calls().at(-1)?.rateLimitReset).toBe(
      new Date(Number(second.headers.get('x-ratelimit-reset')) * 1000).toISOString(),
    );
    github.setFault(undefined);
    expect((await post('/repos/o/r/deployments', { ref: SHA })).status).toBe(201);
  });

  it('answers 502 for the given number of calls, then normally', async () => {
    github.setFault({ kind: 'error', status: 502, count: 1 });
    expect((await post('/repos/o/r/deployments', { ref: SHA })).status).toBe(502);
    expect((await post('/repos/o/r/deployments', { ref: SHA })).status).toBe(201);
  });

  it('refuses a malformed fault with a message that says what to send', async () => {
    const response = await fetch(`${github.url}/_faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'rate-limit' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'rate-limit needs seconds (1..3600)' });
  });

  it('records every API call with its status at GET /_calls', async () => {
    const calls = (await (await fetch(`${github.url}/_calls`)).json()) as {
      method: string;
      path: string;
      status: number;
    }[];
    expect(calls.length).toBeGreaterThan(5);
    expect(calls).toContainEqual(
      expect.objectContaining({ method: 'POST', path: '/repos/o/r/deployments', status: 403 }),
    );
    expect(calls.map((c) => c.path)).not.toContain('/_faults');
  });
});
