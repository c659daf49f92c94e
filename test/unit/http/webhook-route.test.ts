import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { githubDelivery, pushPayload, signBody } from '../../support/github-webhook.ts';
import { TEST_SECRET, type TestServer, testServer } from '../../support/test-server.ts';

/** The pushed commit: a new one for each test (see `withShared`); tables built before any test use the first. */
let SHA = 'a'.repeat(40);
let commits = 0;
const send = (s: TestServer, delivery: { headers: Record<string, string>; body: string | Buffer }) =>
  s.app.inject({
    method: 'POST',
    url: '/webhooks/github',
    headers: delivery.headers,
    payload: delivery.body,
  });
const deliveryLines = (s: TestServer) => s.log.lines().filter((line) => line.msg === 'github delivery');

/** A server of its own, for the tests that need other options or a registry nobody else counted in. */
async function withServer(options: Parameters<typeof testServer>[0], run: (s: TestServer) => Promise<void>) {
  const server = await testServer(options);
  try {
    await run(server);
  } finally {
    await server.app.close();
  }
}

// One server for the tests with the default options: a build costs ~120 ms of CPU and this file built
// 33 of them (issue 14). Each test sees an empty queue, `ok` enqueue behaviour and only its own log
// lines, and pushes a commit of its own: the server remembers every delivery id and body digest it
// queued (what the duplicate tests check, each on ids and bodies of its own). Its per-source rate
// limit is lifted so the tests' sum of deliveries cannot reach it; the limit has servers of its own.
let shared: TestServer;
let logMark = 0;
beforeAll(async () => {
  shared = await testServer({ tuning: { webhookRate: { burst: 1_000_000, perMinute: 1_000_000 } } });
});
afterAll(async () => {
  await shared?.app.close();
});
beforeEach(() => {
  commits += 1;
  SHA = commits.toString(16).padStart(40, 'a');
  shared.runtime.enqueued.length = 0;
  shared.runtime.calls.length = 0;
  shared.runtime.setEnqueueBehaviour('ok');
  logMark = shared.log.lines().length;
});

function withShared(run: (s: TestServer) => Promise<void>) {
  const mark = logMark;
  const lines = () => shared.log.text().split('\n').slice(mark);
  return run({
    app: shared.app,
    runtime: shared.runtime,
    log: {
      logger: shared.log.logger,
      lines: () => lines().map((line) => JSON.parse(line) as Record<string, unknown>),
      text: () => lines().join('\n'),
    },
  });
}

describe('POST /webhooks/github', () => {
  it('queues a signed push to the tracked branch and answers 202', () =>
    withShared(async (s) => {
      const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }), {
        deliveryId: 'd-1',
      });
      const response = await send(s, delivery);
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({ queued: true, deliveryId: 'd-1' });
      // A slim hint: the route already decided repository, branch and config; intake reads the head.
      expect(s.runtime.enqueued).toEqual([
        { kind: 'git-push', deliveryId: 'd-1', after: SHA, message: 'test commit' },
      ]);
      expect(deliveryLines(s)).toMatchObject([
        { level: 30, deliveryId: 'd-1', event: 'push', outcome: 'queued', after: SHA },
      ]);
      // One line per delivery at info: nothing else.
      expect(s.log.lines().filter((line) => Number(line.level) >= 30)).toHaveLength(1);
    }));

  it('answers a replayed delivery id with {duplicate: true} and queues nothing more', () =>
    withShared(async (s) => {
      const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }), {
        deliveryId: 'd-2',
      });
      expect((await send(s, delivery)).statusCode).toBe(202);
      const replay = await send(s, delivery);
      expect(replay.statusCode).toBe(202);
      expect(replay.json()).toEqual({ duplicate: true, deliveryId: 'd-2' });
      expect(s.runtime.enqueued).toHaveLength(1);
    }));

  it('answers duplicate when two copies of a delivery arrive at the same time', () =>
    withShared(async (s) => {
      const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }), {
        deliveryId: 'd-3',
      });
      const answers = await Promise.all([send(s, delivery), send(s, delivery), send(s, delivery)]);
      expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202]);
      expect(answers.filter((a) => a.json().queued === true)).toHaveLength(1);
      expect(s.runtime.enqueued).toHaveLength(1);
    }));

  it('reports a repeat the runtime recognised (another replica took it) as a duplicate', () =>
    withShared(async (s) => {
      const earlier = { kind: 'git-push', deliveryId: 'd-4', after: SHA } as const;
      await s.runtime.enqueue(earlier, AbortSignal.timeout(100));
      const response = await send(
        s,
        githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }), { deliveryId: 'd-4' }),
      );
      expect(response.json()).toEqual({ duplicate: true, deliveryId: 'd-4' });
    }));

  it.each([
    [
      'a wrong secret',
      (_d: { headers: Record<string, string> }) =>
        githubDelivery('not-the-secret', 'push', pushPayload({ after: SHA })).headers,
    ],
    [
      'no signature',
      (d: { headers: Record<string, string> }) => ({ ...d.headers, 'x-hub-signature-256': '' }),
    ],
    [
      'a sha1 signature',
      (d: { headers: Record<string, string> }) => ({
        ...d.headers,
        'x-hub-signature-256': `sha1=${'0'.repeat(40)}`,
      }),
    ],
  ])('answers 401 and queues nothing for %s', (_name, headersFor) =>
    withShared(async (s) => {
      const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }));
      const response = await send(s, { headers: headersFor(delivery), body: delivery.body });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
      expect(s.runtime.calls).toEqual([]);
      expect(deliveryLines(s)).toMatchObject([{ level: 40, outcome: 'bad-signature' }]);
    }),
  );

  it('answers 401 when the body was changed after signing', () =>
    withShared(async (s) => {
      const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }));
      const response = await send(s, {
        headers: delivery.headers,
        body: delivery.body.replace(SHA, 'b'.repeat(40)),
      });
      expect(response.statusCode).toBe(401);
      expect(s.runtime.enqueued).toEqual([]);
    }));

  it('verifies the raw bytes, not a re-serialised object (whitespace and key order kept)', () =>
    withShared(async (s) => {
      const body = `{ "ref":"refs/heads/main",\n  "after": "${SHA}", "before": "${'1'.repeat(40)}", "repository": {"full_name": "o/r"}, "commits": [] }`;
      const response = await send(s, githubDelivery(TEST_SECRET, 'push', body, { deliveryId: 'raw' }));
      expect(response.statusCode).toBe(202);
      expect(s.runtime.enqueued).toHaveLength(1);
    }));

  it('answers 400 for a signed but malformed body', () =>
    withShared(async (s) => {
      const response = await send(s, githubDelivery(TEST_SECRET, 'push', '{"ref": '));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'EVENT_INVALID' } });
      expect(s.runtime.enqueued).toEqual([]);
    }));

  it('answers 400 for a signed push without the fields a push has', () =>
    withShared(async (s) => {
      const response = await send(s, githubDelivery(TEST_SECRET, 'push', { zen: 'hello' }));
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toContain("push payload does not match GitHub's webhook schema");
      expect(s.runtime.enqueued).toEqual([]);
    }));

  it('answers 400 when the delivery id header is missing', () =>
    withShared(async (s) => {
      const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }));
      const { 'x-github-delivery': _, ...headers } = delivery.headers;
      const response = await send(s, { headers, body: delivery.body });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toContain('X-GitHub-Delivery');
    }));

  it('answers ping with 200 {pong: true}', () =>
    withShared(async (s) => {
      const response = await send(
        s,
        githubDelivery(TEST_SECRET, 'ping', { zen: 'Keep it logically awesome.', hook_id: 1 }),
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ pong: true });
      expect(s.runtime.enqueued).toEqual([]);
    }));

  it.each([
    ['another event', 'issues', { action: 'opened' }, 'event "issues" is not a push'],
    [
      'another branch',
      'push',
      pushPayload({ after: SHA, ref: 'refs/heads/feature' }),
      'push to refs/heads/feature, tracking refs/heads/main',
    ],
    ['a tag push', 'push', pushPayload({ after: SHA, ref: 'refs/tags/v1' }), 'tag push refs/tags/v1'],
  ])('answers 202 {ignored: reason} for %s and queues nothing', (_name, event, payload, reason) =>
    withShared(async (s) => {
      const response = await send(s, githubDelivery(TEST_SECRET, event, payload));
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({ ignored: reason });
      expect(s.runtime.enqueued).toEqual([]);
    }),
  );

  it('accepts application/json with a charset parameter', () =>
    withShared(async (s) => {
      const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }), {
        contentType: 'application/json; charset=utf-8',
      });
      expect((await send(s, delivery)).statusCode).toBe(202);
    }));

  it('accepts the form content type (payload=...) when signed', () =>
    withShared(async (s) => {
      const body = new URLSearchParams({ payload: JSON.stringify(pushPayload({ after: SHA })) }).toString();
      const delivery = githubDelivery(TEST_SECRET, 'push', body, {
        contentType: 'application/x-www-form-urlencoded',
        deliveryId: 'form-1',
      });
      const response = await send(s, delivery);
      expect(response.statusCode).toBe(202);
      expect(s.runtime.enqueued).toMatchObject([{ deliveryId: 'form-1', after: SHA }]);
    }));

  it('answers 415 JSON for other content types', () =>
    withShared(async (s) => {
      const delivery = githubDelivery(TEST_SECRET, 'push', 'hello', { contentType: 'text/plain' });
      const response = await send(s, delivery);
      expect(response.statusCode).toBe(415);
      expect(response.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    }));

  it('answers 413 JSON over 1 MiB and queues nothing', () =>
    withShared(async (s) => {
      const payload = { ...pushPayload({ after: SHA }), padding: 'x'.repeat(1024 * 1024) };
      const response = await send(s, githubDelivery(TEST_SECRET, 'push', payload));
      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
      expect(s.runtime.calls).toEqual([]);
    }));

  it('answers 503 when the queue fails, and accepts GitHub redelivering the same id later', () =>
    withShared(async (s) => {
      const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }), {
        deliveryId: 'd-5',
      });
      s.runtime.setEnqueueBehaviour('fail');
      const failed = await send(s, delivery);
      expect(failed.statusCode).toBe(503);
      expect(failed.json()).toMatchObject({ error: { code: 'QUEUE_UNAVAILABLE' } });
      expect(deliveryLines(s)).toMatchObject([
        {
          level: 40,
          outcome: 'queue-unavailable',
          deliveryId: 'd-5',
          err: { message: expect.stringContaining('ECONNREFUSED') },
        },
      ]);
      s.runtime.setEnqueueBehaviour('ok');
      const redelivered = await send(s, delivery);
      expect(redelivered.statusCode).toBe(202);
      expect(redelivered.json()).toEqual({ queued: true, deliveryId: 'd-5' });
      expect(s.runtime.enqueued).toHaveLength(1);
    }));

  it('answers 503 by its own deadline when the queue hangs', () =>
    withServer({ tuning: { enqueueTimeoutMs: 150 } }, async (s) => {
      s.runtime.setEnqueueBehaviour('hang');
      const started = Date.now();
      const response = await send(s, githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA })));
      expect(response.statusCode).toBe(503);
      expect(Date.now() - started).toBeLessThan(2_000);
    }));

  it('answers 503 when no webhook secret is configured, naming the variable', () =>
    withServer({ secret: null }, async (s) => {
      const response = await send(s, githubDelivery('', 'push', pushPayload({ after: SHA })));
      expect(response.statusCode).toBe(503);
      expect(response.json().error.message).toContain('GITHUB_WEBHOOK_SECRET');
      expect(s.runtime.calls).toEqual([]);
    }));

  it('never logs the payload or the signature', () =>
    withShared(async (s) => {
      const payload = { ...pushPayload({ after: SHA }), marker: 'PAYLOAD-MARKER-123' };
      const delivery = githubDelivery(TEST_SECRET, 'push', payload);
      await send(s, delivery);
      await send(s, { headers: delivery.headers, body: delivery.body.replace('MARKER', 'FORGED') });
      expect(s.log.text()).not.toContain('MARKER');
      expect(s.log.text()).not.toContain(signBody(TEST_SECRET, delivery.body).slice(7));
      expect(deliveryLines(s)).toHaveLength(2);
    }));

  it('is reachable without a bearer token in aws mode (the HMAC is its authentication)', () =>
    withServer({ mode: 'aws' }, async (s) => {
      const response = await send(s, githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA })));
      expect(response.statusCode).toBe(202);
    }));

  it('counts deliveries by outcome in the runtime registry', () =>
    withServer({}, async (s) => {
      const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }), {
        deliveryId: 'm-1',
      });
      await send(s, delivery);
      await send(s, delivery);
      await send(s, { headers: { ...delivery.headers, 'x-hub-signature-256': '' }, body: delivery.body });
      const metrics = await s.runtime.metrics.metrics();
      expect(metrics).toContain('ecs_gitops_webhook_deliveries_total{outcome="queued"} 1');
      expect(metrics).toContain('ecs_gitops_webhook_deliveries_total{outcome="duplicate"} 1');
      expect(metrics).toContain('ecs_gitops_webhook_deliveries_total{outcome="bad-signature"} 1');
    }));

  it('ignores pushes from other repositories when CONFIG_REPOSITORY is a GitHub remote', () =>
    withServer(
      {
        config: {
          kind: 'git',
          repository: 'https://github.com/acme/deploy-config.git',
          branch: 'main',
          dir: 'config',
          cacheDir: '/tmp/cache',
        },
      },
      async (s) => {
        const other = await send(
          s,
          githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA, repository: 'acme/website' })),
        );
        expect(other.statusCode).toBe(202);
        expect(other.json().ignored).toContain('acme/website');
        const ours = await send(
          s,
          githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA, repository: 'Acme/Deploy-Config' })),
        );
        expect(ours.json()).toMatchObject({ queued: true });
        expect(s.runtime.enqueued).toHaveLength(1);
      },
    ));

  it('is reached with a trailing slash too', () =>
    withShared(async (s) => {
      const delivery = githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }));
      const response = await s.app.inject({
        method: 'POST',
        url: '/webhooks/github/',
        headers: delivery.headers,
        payload: delivery.body,
      });
      expect(response.statusCode).toBe(202);
    }));

  it('answers a signed body replayed under a new delivery id with {duplicate: true}', () =>
    withShared(async (s) => {
      const body = JSON.stringify(pushPayload({ after: SHA }));
      expect(
        (await send(s, githubDelivery(TEST_SECRET, 'push', body, { deliveryId: 'r-1' }))).statusCode,
      ).toBe(202);
      for (const id of ['r-2', 'r-3', 'r-4']) {
        const replay = await send(s, githubDelivery(TEST_SECRET, 'push', body, { deliveryId: id }));
        expect(replay.statusCode).toBe(202);
        expect(replay.json()).toEqual({ duplicate: true, deliveryId: id });
      }
      expect(s.runtime.enqueued).toHaveLength(1);
    }));

  it('answers 429 with Retry-After once a source spent its burst, and still serves other sources', () =>
    withServer({ tuning: { webhookRate: { burst: 2, perMinute: 6 } } }, async (s) => {
      const from = (remoteAddress: string, id: string) =>
        s.app.inject({
          method: 'POST',
          url: '/webhooks/github',
          remoteAddress,
          ...(({ headers, body }) => ({ headers, payload: body }))(
            githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA }), { deliveryId: id }),
          ),
        });
      expect((await from('10.0.0.1', 'a-1')).statusCode).toBe(202);
      expect((await from('10.0.0.1', 'a-2')).statusCode).toBe(202);
      const limited = await from('10.0.0.1', 'a-3');
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('10');
      expect(limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
      expect((await from('10.0.0.2', 'b-1')).statusCode).toBe(202);
      expect(deliveryLines(s).filter((line) => line.outcome === 'rate-limited')).toHaveLength(1);
    }));

  it('limits by the address the ALB saw in aws mode, whatever X-Forwarded-For the client claims', () =>
    withServer({ mode: 'aws', tuning: { webhookRate: { burst: 1, perMinute: 1 } } }, async (s) => {
      const statuses: number[] = [];
      for (const claimed of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) {
        const delivery = githubDelivery(TEST_SECRET, 'ping', { zen: claimed, hook_id: 1 });
        const response = await s.app.inject({
          method: 'POST',
          url: '/webhooks/github',
          headers: { ...delivery.headers, 'x-forwarded-for': `${claimed}, 203.0.113.9` },
          payload: delivery.body,
        });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([200, 429, 429]);
    }));

  // Issue 13 item 9: a lenient UTF-8 decode turned every invalid byte into U+FFFD, so the signature of
  // the decoded text also passed for each of the byte strings that decode to it.
  it('answers 401 to bytes whose lenient decoding is the signed text', () =>
    withShared(async (s) => {
      const signedText = '{"zen":"\uFFFD","hook_id":1}';
      for (const [id, invalid] of [
        ['bytes-ff', 0xff],
        ['bytes-fe', 0xfe],
      ] as const) {
        const body = Buffer.concat([
          Buffer.from('{"zen":"'),
          Buffer.from([invalid]),
          Buffer.from('","hook_id":1}'),
        ]);
        expect(body.toString('utf8')).toBe(signedText);
        const response = await send(s, {
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'ping',
            'x-github-delivery': id,
            'x-hub-signature-256': signBody(TEST_SECRET, signedText),
          },
          body,
        });
        expect(response.statusCode).toBe(401);
      }
    }));

  // Issue 13 item 10: JSON.parse of 500k nested arrays blocked the event loop for ~2 s.
  it('answers 400 to a signed body nested deeper than 64 levels, before parsing it', () =>
    withShared(async (s) => {
      const deep = `${'['.repeat(500_000)}${']'.repeat(500_000)}`;
      const response = await send(s, githubDelivery(TEST_SECRET, 'push', deep));
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toContain('deeper than 64 levels');
      expect(deliveryLines(s)).toMatchObject([{ outcome: 'malformed' }]);
    }));

  it('accepts 64 levels of nesting and counts brackets inside strings as text', () =>
    withShared(async (s) => {
      const nested = `${'['.repeat(63)}"${'['.repeat(100)}"${']'.repeat(63)}`;
      const payload = { ...pushPayload({ after: SHA }), extra: JSON.parse(nested) };
      expect((await send(s, githubDelivery(TEST_SECRET, 'push', payload))).statusCode).toBe(202);
    }));

  it('answers 202 {ignored} to a push that does not touch the config directory', () =>
    withShared(async (s) => {
      const response = await send(
        s,
        githubDelivery(TEST_SECRET, 'push', pushPayload({ after: SHA, files: ['README.md'] })),
      );
      expect(response.json()).toEqual({ ignored: 'push does not touch config/' });
      expect(s.runtime.enqueued).toEqual([]);
    }));

  it('GET answers 405', () =>
    withShared(async (s) => {
      const response = await s.app.inject({ method: 'GET', url: '/webhooks/github' });
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe('POST');
    }));
});
