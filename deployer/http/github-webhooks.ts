// GitHub webhook verification and typed routing through @octokit/webhooks' `Webhooks` class.
//
// Raw bytes: octokit signs and verifies text (it HMACs the string's UTF-8 encoding). A lenient decode
// would map different byte strings to one text (every invalid sequence becomes U+FFFD, a leading BOM
// is dropped), so one signature would pass for several bodies. The body is therefore decoded strictly
// (invalid UTF-8 is refused, the BOM kept): that decoding is one-to-one, so verifying its text is
// verifying exactly the bytes GitHub signed. GitHub always sends UTF-8.
import {
  type EmitterWebhookEvent,
  type EmitterWebhookEventName,
  emitterEventNames,
  Webhooks,
} from '@octokit/webhooks';
import type { Result } from '../domain/errors.ts';
import { decidePush, type PushDecision, type PushFilter } from '../domain/events/github-push.ts';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;
const KNOWN_EVENTS = new Set<string>(emitterEventNames);

/** What a verified delivery asks for. */
export type GithubEventOutcome = { kind: 'ping' } | PushDecision | { kind: 'invalid'; result: Result<never> };

export class GithubWebhooks {
  readonly #webhooks: Webhooks;
  /** Outcomes the typed handlers decided, per event object handed to receive(). */
  readonly #outcomes = new WeakMap<object, GithubEventOutcome>();

  constructor(secret: string, filter: PushFilter) {
    this.#webhooks = new Webhooks({ secret });
    this.#webhooks.on('ping', (event) => this.#outcomes.set(event, { kind: 'ping' }));
    this.#webhooks.on('push', (event) => {
      const decided = decidePush(event.payload, event.id, filter);
      this.#outcomes.set(event, decided.ok ? decided.value : { kind: 'invalid', result: decided });
    });
  }

  /** The body as text when `signature` is GitHub's HMAC of exactly these bytes; otherwise undefined. */
  async verify(raw: Uint8Array, signature: string | undefined): Promise<string | undefined> {
    if (raw.length === 0 || signature === undefined || !SIGNATURE.test(signature)) return undefined;
    let text: string;
    try {
      text = STRICT_UTF8.decode(raw);
    } catch {
      return undefined;
    }
    const verified = await this.#webhooks.verify(text, signature).catch(() => false);
    return verified ? text : undefined;
  }

  /**
   * Hands a verified, parsed delivery to the typed handlers. Events without a handler are ignored
   * with the reason; a payload that breaks GitHub's schema for its event throws from the handler.
   */
  async receive(id: string, name: string, payload: object): Promise<GithubEventOutcome> {
    if (!KNOWN_EVENTS.has(name)) return { kind: 'ignored', reason: `event "${bounded(name)}" is not a push` };
    const event = { id, name: name as EmitterWebhookEventName, payload } as EmitterWebhookEvent;
    await this.#webhooks.receive(event);
    return this.#outcomes.get(event) ?? { kind: 'ignored', reason: `event "${name}" is not a push` };
  }
}

const bounded = (text: string) => (text.length > 100 ? `${text.slice(0, 100)}…` : text);
