// Sends lifecycle events to the configured channels. Each channel has its own bounded queue, so a
// slow Teams never delays Slack, and nothing here can slow or fail a rollout: report() never waits
// or throws. A delivery is retried with exponential backoff on network errors, timeouts, 429 and
// 5xx; a 4xx (a revoked webhook, a malformed URL) is not retried. Failures are logged and counted.
import { createHmac, randomUUID } from 'node:crypto';
import picomatch from 'picomatch';
import type { Logger } from 'pino';
import type { Counter, Registry } from 'prom-client';
import { DeliveryQueue } from '../lifecycle/delivery-queue.ts';
import type { LifecycleEvent } from '../lifecycle/lifecycle-event.ts';
import { notificationsCounter } from '../runtime/metrics.ts';
import { slackMessage, summarise, teamsMessage, webhookDocument } from './notification-messages.ts';
import type { NotificationChannel } from './notification-settings.ts';

export const SIGNATURE_HEADER = 'x-ecsgitops-signature-256';

export interface NotifierOptions {
  channels: NotificationChannel[];
  servedUrl(service: string, revision?: string): string | undefined;
  logger: Logger;
  metrics: Registry;
  /** Attempts per delivery, the first included. */
  attempts?: number;
  /** Backoff before attempt n+1 is backoffMs × 2^(n-1). */
  backoffMs?: number;
  requestTimeoutMs?: number;
  /** Messages waiting per channel at most; more drop the oldest. */
  capacity?: number;
  now?: () => Date;
}

/** `sha256=<hex>` of HMAC-SHA256(secret, body): what a receiver recomputes over the raw bytes. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

class DeliveryError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.retryable = retryable;
  }
}

export class Notifier {
  readonly #channels: {
    channel: NotificationChannel;
    matches: (service: string) => boolean;
    queue: DeliveryQueue<LifecycleEvent>;
  }[];
  readonly #options: NotifierOptions;
  readonly #sent: Counter<'channel' | 'outcome'>;

  constructor(options: NotifierOptions) {
    this.#options = options;
    const log = options.logger.child({ component: 'notifier' });
    this.#sent = notificationsCounter(options.metrics);
    this.#channels = options.channels.map((channel) => {
      for (const outcome of ['sent', 'failed', 'dropped'])
        this.#sent.inc({ channel: channel.name, outcome }, 0);
      const matches = channel.services.length === 0 ? () => true : picomatch(channel.services);
      const queue = new DeliveryQueue<LifecycleEvent>({
        capacity: options.capacity ?? 100,
        deliver: async (event) => {
          await this.#deliver(channel, event);
          this.#sent.inc({ channel: channel.name, outcome: 'sent' });
        },
        onFailure: (error, event) => {
          this.#sent.inc({ channel: channel.name, outcome: 'failed' });
          log.warn(
            { err: error, channel: channel.name, event: event.kind, ...serviceOf(event) },
            'notification not delivered',
          );
        },
        onDrop: (event) => {
          this.#sent.inc({ channel: channel.name, outcome: 'dropped' });
          log.warn(
            { channel: channel.name, event: event.kind, ...serviceOf(event) },
            'notification dropped (queue full or stopping)',
          );
        },
      });
      return { channel, matches, queue };
    });
  }

  /** The lifecycle listener: never waits, never throws. */
  readonly report = (event: LifecycleEvent): void => {
    const service = 'service' in event ? event.service : undefined;
    for (const { channel, matches, queue } of this.#channels) {
      if (!channel.events.includes(event.kind)) continue;
      if (service !== undefined && !matches(service)) continue;
      queue.offer(event);
    }
  };

  async idle(): Promise<void> {
    await Promise.all(this.#channels.map((c) => c.queue.idle()));
  }

  async stop(ms: number): Promise<void> {
    await Promise.all(this.#channels.map((c) => c.queue.close(ms)));
  }

  async #deliver(channel: NotificationChannel, event: LifecycleEvent): Promise<void> {
    const attempts = this.#options.attempts ?? 4;
    const backoffMs = this.#options.backoffMs ?? 1_000;
    const { body, headers } = this.#render(channel, event);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.#post(channel.url, body, headers);
        return;
      } catch (error) {
        const retryable = !(error instanceof DeliveryError) || error.retryable;
        if (!retryable || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
      }
    }
  }

  #render(
    channel: NotificationChannel,
    event: LifecycleEvent,
  ): { body: string; headers: Record<string, string> } {
    const revision = 'rollout' in event ? event.rollout.configRevision : undefined;
    const served = 'service' in event ? this.#options.servedUrl(event.service, revision) : undefined;
    const summary = summarise(event, served);
    if (channel.type === 'slack') return { body: JSON.stringify(slackMessage(event, summary)), headers: {} };
    if (channel.type === 'teams') return { body: JSON.stringify(teamsMessage(summary)), headers: {} };
    const sentAt = (this.#options.now?.() ?? new Date()).toISOString();
    const body = JSON.stringify(webhookDocument(event, summary, sentAt));
    return {
      body,
      headers: {
        'x-ecsgitops-event': event.kind,
        // One id per notification, the same on every retry: receivers drop repeats by it.
        'x-ecsgitops-delivery': randomUUID(),
        [SIGNATURE_HEADER]: signBody(channel.secret ?? '', body),
      },
    };
  }

  async #post(url: string, body: string, headers: Record<string, string>): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'ecs-gitops-deployer', ...headers },
        body,
        signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new DeliveryError(`POST to ${redact(url)} failed: ${(error as Error).message}`, true);
    }
    await response.body?.cancel();
    if (response.ok) return;
    const retryable = response.status === 429 || response.status >= 500;
    throw new DeliveryError(`POST to ${redact(url)} answered ${response.status}`, retryable);
  }
}

/** Webhook URLs are credentials (Slack and Teams put the secret in the path): logs get the host only. */
function redact(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(invalid URL)';
  }
}

function serviceOf(event: LifecycleEvent): Record<string, string> {
  return 'service' in event ? { service: event.service } : {};
}
