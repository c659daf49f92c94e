// Property-based fuzzing of the GitHub webhook endpoint (buildServer + inject, a fake runtime that
// records what gets queued) and of the event parsers. Shared by the resilience test (~1,000 cases)
// and `npm run bench:fuzz` (10,000 cases). Properties: never a 5xx, nothing unsigned is queued,
// signed pushes queue exactly the delivery they carry, parsers never throw, the heap stays bounded.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { pino } from 'pino';
import { collectGarbage } from '../../../bench/support/memory.ts';
import { WEBHOOK_PATH } from '../../../common/contract.ts';
import { parseEcrEvent } from '../../../deployer/domain/events/ecr-event.ts';
import { jsonDeeperThan, MAX_JSON_DEPTH } from '../../../deployer/domain/events/json-depth.ts';
import { decodeQueueBody } from '../../../deployer/domain/events/queue-body.ts';
import { buildServer } from '../../../deployer/http/server.ts';
import { loadSettings } from '../../../deployer/runtime/settings.ts';
import { createFakeRuntime } from '../../support/fake-runtime.ts';
import { githubExamples } from '../../unit/domain/events/github-examples.ts';

export const FUZZ_SECRET = 'fuzz-webhook-secret';
const STATUS_TOKEN = 'fuzz-status-token';

export interface FuzzReport {
  requests: number;
  byStatus: Record<number, number>;
  queued: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
}

function sign(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const headerText = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,60}$/);
const eventName = fc.oneof(
  { arbitrary: fc.constant('push'), weight: 4 },
  { arbitrary: fc.constantFrom('ping', 'pull_request', 'create', 'delete'), weight: 1 },
  { arbitrary: headerText, weight: 1 },
);
const contentType = fc.oneof(
  { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 6 },
  { arbitrary: fc.constant('application/x-www-form-urlencoded'), weight: 2 },
  {
    arbitrary: fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x'),
    weight: 1,
  },
);

const pushExamples = githubExamples('push');

/** Real push payloads with random fields replaced by arbitrary values (including nested ones). */
const mutatedPush = fc
  .tuple(
    fc.constantFrom(...pushExamples),
    fc.array(
      fc.tuple(
        fc.constantFrom(
          'ref',
          'before',
          'after',
          'deleted',
          'forced',
          'created',
          'commits',
          'head_commit',
          'repository',
          'pusher',
          'compare',
        ),
        fc.anything(),
      ),
      { maxLength: 3 },
    ),
    fc.constantFrom('refs/heads/main', 'refs/heads/main', 'refs/heads/other', 'refs/tags/v1'),
  )
  .map(([example, edits, ref]) => {
    const payload: Record<string, unknown> = { ...structuredClone(example), ref };
    for (const [key, value] of edits) payload[key] = value;
    return JSON.stringify(payload);
  });

const bodyText = fc.oneof(
  { arbitrary: mutatedPush, weight: 4 },
  { arbitrary: fc.json(), weight: 1 },
  { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
  { arbitrary: fc.constantFrom('', '{', 'null', '[]', '{"zen":"x","hook_id":1}', '\u0000\u0001'), weight: 1 },
);

/** Body bytes as the content type would carry them (form bodies wrap the JSON in `payload=`). */
const encodedBody = fc.tuple(bodyText, contentType, fc.boolean()).map(([text, type, asForm]) => {
  const form = type.startsWith('application/x-www-form-urlencoded');
  const body = form && asForm ? `payload=${encodeURIComponent(text)}` : text;
  return { body: Buffer.from(body, 'utf8'), contentType: type };
});

type SignatureKind = 'absent' | 'garbage' | 'wrong-secret' | 'other-body' | 'truncated' | 'sha1';
const unsignedKind = fc.constantFrom<SignatureKind>(
  'absent',
  'garbage',
  'wrong-secret',
  'other-body',
  'truncated',
  'sha1',
);

function badSignature(kind: SignatureKind, body: Buffer, garbage: string): string | undefined {
  switch (kind) {
    case 'absent':
      return undefined;
    case 'garbage':
      return garbage;
    case 'wrong-secret':
      return sign(`${FUZZ_SECRET}-not`, body);
    case 'other-body':
      return sign(FUZZ_SECRET, Buffer.concat([body, Buffer.from(' ')]));
    case 'truncated':
      return sign(FUZZ_SECRET, body).slice(0, -2);
    case 'sha1':
      return `sha1=${createHmac('sha1', FUZZ_SECRET).update(body).digest('hex')}`;
  }
}

export async function runWebhookFuzz(options: { numRuns: number; seed?: number }): Promise<FuzzReport> {
  const runtime = createFakeRuntime();
  const settings = loadSettings({
    DEPLOYER_MODE: 'aws',
    AWS_REGION: 'us-east-1',
    QUEUE_URL: 'http://127.0.0.1:9/000000000000/fuzz.fifo',
    CONFIG_REPOSITORY: '/nonexistent/fuzz-config.git',
    GITHUB_WEBHOOK_SECRET: FUZZ_SECRET,
    STATUS_TOKEN,
  });
  const app = buildServer({
    runtime,
    settings,
    logger: pino({ level: 'silent' }),
    // Thousands of deliveries from one source: the per-source rate limit has its own tests.
    tuning: { webhookRate: { burst: 1_000_000, perMinute: 1_000_000 } },
  });
  await app.ready();
  const report: FuzzReport = { requests: 0, byStatus: {}, queued: 0, heapBeforeBytes: 0, heapAfterBytes: 0 };
  const count = (status: number) => {
    report.requests += 1;
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
  };
  const runProperties = async (numRuns: number): Promise<void> => {
    const parameters = { numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) };
    // 1. Unsigned or wrongly signed deliveries: refused with 401, never a 5xx, nothing queued.
    await fc.assert(
      fc.asyncProperty(
        encodedBody,
        eventName,
        fc.option(headerText),
        unsignedKind,
        headerText,
        async ({ body, contentType: type }, event, deliveryId, kind, garbage) => {
          const queuedBefore = runtime.enqueued.length;
          const signature = badSignature(kind, body, garbage);
          const headers: Record<string, string> = { 'content-type': type, 'x-github-event': event };
          if (deliveryId !== null) headers['x-github-delivery'] = deliveryId;
          if (signature !== undefined) headers['x-hub-signature-256'] = signature;
          const response = await app.inject({ method: 'POST', url: WEBHOOK_PATH, payload: body, headers });
          count(response.statusCode);
          if (response.statusCode >= 500) throw new Error(`5xx for an unsigned delivery: ${response.body}`);
          if (runtime.enqueued.length !== queuedBefore) throw new Error('an unsigned delivery was queued');
          if (![401, 415].includes(response.statusCode))
            throw new Error(`unsigned delivery answered ${response.statusCode}: ${response.body}`);
        },
      ),
      parameters,
    );

    // 2. Correctly signed deliveries with hostile payloads: 2xx or 4xx, never 5xx; a queued message
    //    is a git-push carrying this delivery's id, and only 202 {queued:true} queues.
    await fc.assert(
      fc.asyncProperty(
        encodedBody,
        eventName,
        fc.uuid(),
        async ({ body, contentType: type }, event, deliveryId) => {
          const queuedBefore = runtime.enqueued.length;
          const response = await app.inject({
            method: 'POST',
            url: WEBHOOK_PATH,
            payload: body,
            headers: {
              'content-type': type,
              'x-github-event': event,
              'x-github-delivery': deliveryId,
              'x-hub-signature-256': sign(FUZZ_SECRET, body),
            },
          });
          count(response.statusCode);
          if (response.statusCode >= 500) throw new Error(`5xx for a signed delivery: ${response.body}`);
          const queued = runtime.enqueued.slice(queuedBefore);
          if (queued.length > 1) throw new Error('one delivery queued more than one message');
          const message = queued[0];
          if (message !== undefined) {
            report.queued += 1;
            if (message.kind !== 'git-push' || message.deliveryId !== deliveryId)
              throw new Error(`queued ${JSON.stringify(message)} for delivery ${deliveryId}`);
            if (response.statusCode !== 202 || !response.body.includes('"queued":true'))
              throw new Error(`queued but answered ${response.statusCode} ${response.body}`);
          } else if (response.body.includes('"queued":true'))
            throw new Error('claimed queued but nothing was');
        },
      ),
      parameters,
    );

    // 3. The parsers themselves: total functions over arbitrary input (a Result, never a throw). The
    //    GitHub payload is typed by GitHub's schema and only reached through the route (property 2).
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(mutatedPush, fc.string(), fc.json()),
        fc.anything(),
        async (rawBody, anything) => {
          const ecr = parseEcrEvent(anything);
          const fromJson = parseEcrEvent(safeJson(rawBody));
          for (const result of [ecr, fromJson])
            if (typeof result?.ok !== 'boolean')
              throw new Error('a parser returned something that is not a Result');
          const body = decodeQueueBody(rawBody);
          if (!['message', 'ignored', 'poison'].includes(body?.kind))
            throw new Error('decodeQueueBody returned something that is not a queue body');
          // The depth scan before JSON.parse never throws, and lets every shallow body through.
          if (jsonDeeperThan(rawBody, MAX_JSON_DEPTH) && depthOf(safeJson(rawBody)) <= MAX_JSON_DEPTH)
            throw new Error('the depth scan refused a body that nests no deeper than the limit');
        },
      ),
      parameters,
    );
  };

  try {
    // Warm up (JIT, fastify and fast-check caches) on a short run, then take the heap baseline.
    await runProperties(Math.min(200, options.numRuns));
    Object.assign(report, { requests: 0, byStatus: {}, queued: 0 });
    collectGarbage();
    report.heapBeforeBytes = process.memoryUsage().heapUsed;
    await runProperties(options.numRuns);
    collectGarbage();
    report.heapAfterBytes = process.memoryUsage().heapUsed;
    return report;
  } finally {
    await app.close();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Nesting depth of a parsed JSON value (0 for a scalar). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child));
  return deepest + 1;
}
