// POST /webhooks/github: verify the HMAC over the raw bytes, parse, dedupe by delivery id, enqueue
// with its own deadline, answer. Nothing unsigned or malformed is queued; the payload is never logged.
//
// Answers: 401 bad/missing signature · 400 malformed · 413 over the size limit · 415 other content
// types · 200 `{pong: true}` for ping · 202 `{ignored: reason}` for events that need no work (GitHub
// shows the reason in its delivery log) · 202 `{queued: true}` · 202 `{duplicate: true}` for a repeat
// · 503 when the queue cannot be reached in time (GitHub then shows a failed delivery to redeliver).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { WEBHOOK_PATH } from '../../common/contract.ts';
import { parseGithubEvent } from '../domain/events/github-push.ts';
import { verifyGithubSignature } from '../domain/events/github-signature.ts';
import type { DeployerRuntime } from '../runtime/runtime.ts';
import type { DeliveryCache } from './delivery-cache.ts';
import { allowOnly, sendError, toHttpError } from './http-errors.ts';
import { withTimeout } from './with-timeout.ts';

export interface WebhookRouteOptions {
  runtime: DeployerRuntime;
  /** GITHUB_WEBHOOK_SECRET; without it every delivery is refused with 503. */
  secret: string | undefined;
  /** Directory of the config inside the repository (CONFIG_DIR), e.g. `config`. */
  configDir: string;
  /** Only pushes to this ref count, e.g. `refs/heads/main`. */
  trackedRef: string;
  /** `owner/name` of the config repository; pushes from others are ignored. Undefined: no filter. */
  repository: string | undefined;
  deliveries: DeliveryCache;
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

export const WEBHOOK_METRIC = 'ecs_gitops_webhook_deliveries_total';

/** One counter per registry, even when several servers share a runtime (tests). */
function deliveriesCounter(registry: Registry): Counter<'outcome'> {
  const existing = registry.getSingleMetric(WEBHOOK_METRIC);
  if (existing) return existing as Counter<'outcome'>;
  return new Counter({
    name: WEBHOOK_METRIC,
    help: 'GitHub webhook deliveries by outcome (queued, duplicate, ignored, ping, bad-signature, malformed, queue-unavailable, not-configured).',
    labelNames: ['outcome'],
    registers: [registry],
  });
}

export const webhookRoute: FastifyPluginAsync<WebhookRouteOptions> = async (app, options) => {
  const { runtime, deliveries } = options;
  const counter = deliveriesCounter(runtime.metrics);
  // Keep the raw bytes: the signature covers them exactly, a re-serialised object would not match.
  // Only the two content types GitHub sends are parsed; anything else is a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', FORM],
    { parseAs: 'buffer', bodyLimit: options.bodyLimit },
    (_request, body, done) => done(null, body),
  );

  app.post(WEBHOOK_PATH, { bodyLimit: options.bodyLimit }, async (request, reply) => {
    const started = performance.now();
    const deliveryId = header(request, 'x-github-delivery');
    const event = header(request, 'x-github-event');
    const log = (level: 'info' | 'warn', outcome: string, extra: Record<string, unknown> = {}): void => {
      counter.inc({ outcome });
      request.log[level](
        {
          deliveryId: bounded(deliveryId),
          event: bounded(event),
          outcome,
          durationMs: Math.round(performance.now() - started),
          ...extra,
        },
        'github delivery',
      );
    };
    const respond = (outcome: string, code: number, body: unknown, extra: Record<string, unknown> = {}) => {
      log(code >= 400 ? 'warn' : 'info', outcome, extra);
      return reply.code(code).send(body);
    };
    const fail = (
      outcome: string,
      code: number,
      errorCode: string,
      message: string,
      extra: Record<string, unknown> = {},
    ): FastifyReply => {
      log('warn', outcome, { code: errorCode, ...extra });
      return sendError(reply, code, errorCode, message);
    };

    if (!options.secret)
      return fail(
        'not-configured',
        503,
        'WEBHOOK_NOT_CONFIGURED',
        'the deployer has no GITHUB_WEBHOOK_SECRET; set it to the secret of the GitHub webhook',
      );
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!(await verifyGithubSignature(options.secret, raw, header(request, 'x-hub-signature-256'))))
      return fail(
        'bad-signature',
        401,
        'SIGNATURE_INVALID',
        'missing or wrong X-Hub-Signature-256: the webhook secret on GitHub must equal GITHUB_WEBHOOK_SECRET',
      );

    if (deliveryId !== undefined && deliveries.has(deliveryId))
      return respond('duplicate', 202, { duplicate: true, deliveryId });

    const parsed = parseGithubEvent(
      { eventName: event, deliveryId, rawBody: payloadText(raw, request.headers['content-type']) },
      {
        configDir: options.configDir,
        trackedRef: options.trackedRef,
        ...(options.repository ? { repository: options.repository } : {}),
      },
    );
    if (!parsed.ok) {
      const { statusCode, body } = toHttpError(parsed.error);
      return fail('malformed', statusCode, body.error.code, body.error.message);
    }
    const outcome = parsed.value;
    if (outcome.kind === 'ping') return respond('ping', 200, { pong: true });
    if (outcome.kind === 'ignored')
      return respond('ignored', 202, { ignored: outcome.reason }, { reason: outcome.reason });

    const message = outcome.message;
    if (!deliveries.claim(message.deliveryId))
      return respond('duplicate', 202, { duplicate: true, deliveryId: message.deliveryId });
    try {
      const result = await withTimeout('queueing the delivery', options.enqueueTimeoutMs, (signal) =>
        runtime.enqueue(message, signal),
      );
      deliveries.confirm(message.deliveryId);
      const details = { ref: message.ref, after: message.after, configChanged: message.configChanged };
      if (!result.queued)
        return respond('duplicate', 202, { duplicate: true, deliveryId: message.deliveryId }, details);
      return respond('queued', 202, { queued: true, deliveryId: message.deliveryId }, details);
    } catch (error) {
      deliveries.release(message.deliveryId);
      return fail(
        'queue-unavailable',
        503,
        'QUEUE_UNAVAILABLE',
        'the deployer could not queue this delivery; redeliver it from the webhook settings on GitHub',
        { err: error },
      );
    }
  });
  allowOnly(app, WEBHOOK_PATH, ['POST']);
};

/** GitHub sends the JSON itself, or (content type "form") as the `payload` field of a form. */
function payloadText(raw: Buffer, contentType: string | undefined): string {
  const text = raw.toString('utf8');
  if (!contentType?.toLowerCase().startsWith(FORM)) return text;
  return new URLSearchParams(text).get('payload') ?? '';
}
