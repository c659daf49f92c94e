// Properties of the webhook over arbitrary input: never a 5xx, never a queued message without a valid
// signature, and every queued message is exactly what the payload said.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubDelivery, pushPayload, signBody } from '../../support/github-webhook.ts';
import { propertyRuns } from '../../support/property-runs.ts';
import { TEST_SECRET, type TestServer, testServer } from '../../support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  // Hundreds of requests from one source: the per-source rate limit has its own tests.
  server = await testServer({ tuning: { webhookRate: { burst: 1_000_000, perMinute: 1_000_000 } } });
});
afterAll(async () => {
  await server.app.close();
});

const ALLOWED = [200, 202, 400, 401, 413, 415];
const header = fc.option(fc.string({ maxLength: 80 }), { nil: undefined });

describe('POST /webhooks/github on arbitrary input', () => {
  it('never answers 5xx and never queues an unsigned body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 2_000 }),
        header,
        header,
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', undefined),
        fc.boolean(),
        async (body, event, delivery, contentType, signed) => {
          const before = server.runtime.enqueued.length;
          const headers: Record<string, string> = {};
          if (contentType) headers['content-type'] = contentType;
          if (event !== undefined) headers['x-github-event'] = event.replace(/[^\x20-\x7e]/g, '');
          if (delivery !== undefined) headers['x-github-delivery'] = delivery.replace(/[^\x20-\x7e]/g, '');
          headers['x-hub-signature-256'] = signed ? signBody(TEST_SECRET, body) : signBody('wrong', body);
          const response = await server.app.inject({
            method: 'POST',
            url: '/webhooks/github',
            headers,
            payload: body,
          });
          expect(ALLOWED).toContain(response.statusCode);
          expect(() => JSON.parse(response.body)).not.toThrow();
          if (!signed) expect(server.runtime.enqueued.length).toBe(before);
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  it('queues exactly the pushed commit for any signed push to the tracked branch touching the config', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[0-9a-f]{40}$/),
        fc.uuid(),
        fc.array(fc.stringMatching(/^[a-z]{1,8}(\/[a-z]{1,8}){0,2}\.ya?ml$/), { maxLength: 5 }),
        async (after, deliveryId, files) => {
          const payload = pushPayload({ after, files: [...files, 'config/services/app.yaml'] });
          const delivery = githubDelivery(TEST_SECRET, 'push', payload, { deliveryId });
          const response = await server.app.inject({
            method: 'POST',
            url: '/webhooks/github',
            headers: delivery.headers,
            payload: delivery.body,
          });
          expect(response.statusCode).toBe(202);
          const last = server.runtime.enqueued.at(-1);
          expect(last).toEqual({ kind: 'git-push', deliveryId, after, message: 'test commit' });
        },
      ),
      { numRuns: propertyRuns(100) },
    );
  });
});
