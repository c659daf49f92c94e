// POST /webhooks/github: the one place a push is judged. Rate-limit the source, verify the HMAC over
// the raw bytes, bound the JSON depth, parse, let @octokit/webhooks route the typed event, decide
// (repository, branch, deletion, config touched), dedupe by delivery id AND body digest, enqueue a
// slim hint with its own deadline, answer. Nothing unsigned or malformed is queued; the payload is
// never logged.
//
// Answers: 429 + Retry-After over the per-source rate · 401 bad/missing signature · 400 malformed or
// nested too deep · 413 over the size limit · 415 other content types · 200 `{pong: true}` for ping ·
// 202 `{ignored: reason}` for events that need no work (GitHub shows the reason in its delivery log) ·
// 202 `{queued: true}` · 202 `{duplicate: true}` for a repeat (same delivery id, or the same signed
// body replayed under a new id) · 503 when the queue cannot be reached in time (GitHub then shows a
// failed delivery to redeliver).
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { WEBHOOK_PATH } from '../../common/contract.ts';
import type { PushFilter } from '../domain/events/github-push.ts';
import { jsonDeeperThan, MAX_JSON_DEPTH } from '../domain/events/json-depth.ts';
import { webhookDeliveriesCounter } from '../runtime/metrics.ts';
import type { DeployerRuntime } from '../runtime/runtime.ts';
import type { TokenBuckets } from '../shared/token-bucket.ts';
import type { DeliveryCache } from './delivery-cache.ts';
import { type GithubEventOutcome, GithubWebhooks } from './github-webhooks.ts';
import { allowOnly, sendError, toHttpError } from './http-errors.ts';
import { withTimeout } from './with-timeout.ts';

export interface WebhookRouteOptions {
  runtime: DeployerRuntime;
  /** GITHUB_WEBHOOK_SECRET; without it every delivery is refused with 503. */
  secret: string | undefined;
  /** Which pushes are work: config directory, tracked ref, repository. */
  filter: PushFilter;
  deliveries: DeliveryCache;
  /** Per-source intake limit. */
  rate: TokenBuckets;
  /** Behind the ALB: the caller is the address the ALB saw (last X-Forwarded-For entry). */
  behindProxy: boolean;
  bodyLimit: number;
  enqueueTimeoutMs: number;
}

const FORM = 'application/x-www-form-urlencoded';

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};
/** Untrusted header values go into logs bounded. */
const bounded = (value: string | undefined): string | undefined =>
  value !== undefined && value.length > 100 ? `${value.slice(0, 100)}…` : value;

/**
 * Who is calling. Behind the ALB, X-Forwarded-For is `<what the client claimed>, …, <who the ALB saw>`:
 * only the last entry cannot be forged, so it is the source (through CloudFront, that is an edge).
 */
export function webhookSource(request: FastifyRequest, behindProxy: boolean): string {
  const socket = request.raw.socket.remoteAddress ?? 'unknown';
  if (!behindProxy) return socket;
  const forwarded = request.headers['x-forwarded-for'];
  const chain = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',');
  return chain.at(-1)?.trim() || socket;
}

export const webhookRoute: FastifyPluginAsync<WebhookRouteOptions> = async (app, options) => {
  const { runtime, deliveries, rate } = options;
  const counter = webhookDeliveriesCounter(runtime.metrics);
  const webhooks = options.secret ? new GithubWebhooks(options.secret, options.filter) : undefined;
  // Keep the raw bytes: the signature covers them exactly, a re-serialised object would not match.
  // Only the two content types GitHub sends are parsed; anything else is a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', FORM],
    { parseAs: 'buffer', bodyLimit: options.bodyLimit },
    (_request, body, done) => done(null, body),
  );

  const logDelivery = (
    request: FastifyRequest,
    reply: FastifyReply,
    level: 'info' | 'warn',
    outcome: string,
    extra: Record<string, unknown> = {},
  ): void => {
    counter.inc({ outcome });
    request.log[level](
      {
        deliveryId: bounded(header(request, 'x-github-delivery')),
        event: bounded(header(request, 'x-github-event')),
        outcome,
        durationMs: Math.round(reply.elapsedTime),
        ...extra,
      },
      'github delivery',
    );
  };

  app.post(
    WEBHOOK_PATH,
    {
      bodyLimit: options.bodyLimit,
      // Before the body is read: a flood costs neither the upload nor an HMAC.
      onRequest: async (request, reply) => {
        const source = webhookSource(request, options.behindProxy);
        const taken = rate.take(source);
        if (taken.ok) return;
        logDelivery(request, reply, 'warn', 'rate-limited', { source: bounded(source) });
        return sendError(
          reply.header('retry-after', String(taken.retryAfterSeconds)),
          429,
          'RATE_LIMITED',
          `too many webhook deliveries from ${bounded(source)}; retry after ${taken.retryAfterSeconds} s`,
        );
      },
    },
    async (request, reply) => {
      const respond = (outcome: string, code: number, body: unknown, extra: Record<string, unknown> = {}) => {
        logDelivery(request, reply, code >= 400 ? 'warn' : 'info', outcome, extra);
        return reply.code(code).send(body);
      };
      const fail = (
        outcome: string,
        code: number,
        errorCode: string,
        message: string,
        extra = {},
      ): FastifyReply => {
        logDelivery(request, reply, 'warn', outcome, { code: errorCode, ...extra });
        return sendError(reply, code, errorCode, message);
      };
      const malformed = (message: string) =>
        fail('malformed', 400, 'EVENT_INVALID', `invalid GitHub webhook delivery: ${message}`);

      if (!webhooks)
        return fail(
          'not-configured',
          503,
          'WEBHOOK_NOT_CONFIGURED',
          'the deployer has no GITHUB_WEBHOOK_SECRET; set it to the secret of the GitHub webhook',
        );
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const text = await webhooks.verify(raw, header(request, 'x-hub-signature-256'));
      if (text === undefined)
        return fail(
          'bad-signature',
          401,
          'SIGNATURE_INVALID',
          'missing or wrong X-Hub-Signature-256: the webhook secret on GitHub must equal GITHUB_WEBHOOK_SECRET',
        );

      const eventName = header(request, 'x-github-event');
      const deliveryId = header(request, 'x-github-delivery');
      if (eventName === undefined) return malformed('missing X-GitHub-Event header');
      if (deliveryId === undefined) return malformed('missing X-GitHub-Delivery header');
      const digest = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
      if (deliveries.has(deliveryId) || deliveries.has(digest))
        return respond('duplicate', 202, { duplicate: true, deliveryId });

      const json = payloadText(text, request.headers['content-type']);
      if (jsonDeeperThan(json, MAX_JSON_DEPTH))
        return malformed(`body nests JSON deeper than ${MAX_JSON_DEPTH} levels; no GitHub event does`);
      let payload: unknown;
      try {
        payload = JSON.parse(json);
      } catch {
        return malformed(
          json.startsWith('payload=')
            ? 'body is form-encoded; set the webhook content type to application/json'
            : 'body is not JSON',
        );
      }
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
        return malformed('body must be a JSON object');

      let outcome: GithubEventOutcome;
      try {
        outcome = await webhooks.receive(deliveryId, eventName, payload);
      } catch {
        return malformed(`the ${bounded(eventName)} payload does not match GitHub's webhook schema`);
      }
      if (outcome.kind === 'invalid') {
        const { statusCode, body } = toHttpError(outcome.result.ok ? undefined : outcome.result.error);
        return fail('malformed', statusCode, body.error.code, body.error.message);
      }
      if (outcome.kind === 'ping') return respond('ping', 200, { pong: true });
      if (outcome.kind === 'ignored')
        return respond('ignored', 202, { ignored: outcome.reason }, { reason: outcome.reason });

      const { hint } = outcome;
      // Both keys or neither: two copies racing in, or the same body under two ids, queue once.
      if (!deliveries.claim(deliveryId)) return respond('duplicate', 202, { duplicate: true, deliveryId });
      if (!deliveries.claim(digest)) {
        deliveries.release(deliveryId);
        return respond('duplicate', 202, { duplicate: true, deliveryId });
      }
      try {
        const result = await withTimeout('queueing the delivery', options.enqueueTimeoutMs, (signal) =>
          runtime.enqueue(hint, signal),
        );
        deliveries.confirm(deliveryId);
        deliveries.confirm(digest);
        const details = { after: hint.after };
        if (!result.queued) return respond('duplicate', 202, { duplicate: true, deliveryId }, details);
        return respond('queued', 202, { queued: true, deliveryId }, details);
      } catch (error) {
        deliveries.release(deliveryId);
        deliveries.release(digest);
        return fail(
          'queue-unavailable',
          503,
          'QUEUE_UNAVAILABLE',
          'the deployer could not queue this delivery; redeliver it from the webhook settings on GitHub',
          { err: error },
        );
      }
    },
  );
  allowOnly(app, WEBHOOK_PATH, ['POST']);
};

/** GitHub sends the JSON itself, or (content type "form") as the `payload` field of a form. */
function payloadText(text: string, contentType: string | undefined): string {
  if (!contentType?.toLowerCase().startsWith(FORM)) return text;
  return new URLSearchParams(text).get('payload') ?? '';
}
