// The notifier against a real receiver on 127.0.0.1: each channel's message shape, the HMAC signature
// a receiver can verify, per-service and per-event filters, retries with backoff, and that a channel
// that keeps failing is counted, never thrown.
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutRecord } from '../../../deployer/contract/status-model.ts';
import type { LifecycleEvent } from '../../../deployer/lifecycle/lifecycle-event.ts';
import type { NotificationChannel } from '../../../deployer/notifications/notification-settings.ts';
import { Notifier, signBody } from '../../../deployer/notifications/notifier.ts';
import {
  type NotificationReceiver,
  startNotificationReceiver,
} from '../../../local/notifications/receiver.ts';

const SECRET = 'receiver-secret-0123456789';
const rolledBack = (service: string): LifecycleEvent => ({
  kind: 'rolled-back',
  service,
  rollout: {
    id: 'r1',
    from: null,
    to: { image: 'actors@sha256:1', digest: `sha256:${'e'.repeat(64)}`, tag: '1.1.0' },
    result: 'RolledBack',
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:01:00.000Z',
    durationMs: 60_000,
    reason: 'DeploymentFailed',
    configRevision: 'a'.repeat(40),
  } satisfies RolloutRecord,
  message: 'failed to start; rolled back to actors:1',
  at: '2026-12-01T10:01:00.000Z',
});
const started: LifecycleEvent = {
  kind: 'started',
  service: 'actors',
  rolloutId: 'r1',
  from: null,
  to: { image: 'actors@x', tag: '1.1.0' },
  configRevision: null,
  at: '2026-12-01T10:00:00.000Z',
};

describe('Notifier against a local receiver', () => {
  let receiver: NotificationReceiver;
  let metrics: Registry;
  const channel = (
    extra: Partial<NotificationChannel> & Pick<NotificationChannel, 'type'>,
  ): NotificationChannel => ({
    name: extra.type,
    url: `${receiver.url}/${extra.type}`,
    events: ['started', 'succeeded', 'failed', 'rolled-back', 'blocked', 'approval-needed'],
    services: [],
    ...extra,
  });
  const notifier = (channels: NotificationChannel[]) =>
    new Notifier({
      channels,
      servedUrl: (service) => `https://${service}.example/`,
      logger: pino({ level: 'silent' }),
      metrics,
      backoffMs: 5,
      now: () => new Date('2026-12-01T10:02:00.000Z'),
    });
  const count = async (name: string, outcome: string) =>
    (await metrics.getSingleMetric('ecs_gitops_notifications_total')?.get())?.values.find(
      (v) => v.labels.channel === name && v.labels.outcome === outcome,
    )?.value;
  const since = (before: number) => receiver.received().slice(before);

  beforeAll(async () => {
    receiver = await startNotificationReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('posts a Slack-shaped message (text fallback and a mrkdwn section with the reason and link)', async () => {
    metrics = new Registry();
    const before = receiver.received().length;
    const n = notifier([channel({ type: 'slack' })]);
    n.report(rolledBack('actors'));
    await n.idle();
    const [message] = since(before);
    expect(message?.path).toBe('/slack');
    expect(message?.json).toEqual({
      text: 'actors: rolled back (DeploymentFailed): 1.1.0: failed to start; rolled back to actors:1',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ':rewind: *actors: rolled back (DeploymentFailed)*\n1.1.0: failed to start; rolled back to actors:1\n<https://actors.example/|https://actors.example/>',
          },
        },
      ],
    });
  });

  it('posts a Teams message carrying one Adaptive Card', async () => {
    metrics = new Registry();
    const before = receiver.received().length;
    const n = notifier([channel({ type: 'teams' })]);
    n.report(rolledBack('actors'));
    await n.idle();
    expect(since(before)[0]?.json).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            type: 'AdaptiveCard',
            body: [
              { type: 'TextBlock', text: 'actors: rolled back (DeploymentFailed)' },
              { type: 'TextBlock', text: '1.1.0: failed to start; rolled back to actors:1' },
            ],
            actions: [{ type: 'Action.OpenUrl', url: 'https://actors.example/' }],
          },
        },
      ],
    });
  });

  it('signs the generic webhook: the receiver recomputes sha256=<hex> over the raw body', async () => {
    metrics = new Registry();
    const before = receiver.received().length;
    const n = notifier([channel({ type: 'webhook', secret: SECRET })]);
    n.report(rolledBack('actors'));
    await n.idle();
    const [message] = since(before);
    expect(message?.headers['x-ecsgitops-signature-256']).toBe(signBody(SECRET, message?.raw ?? ''));
    expect(message?.headers['x-ecsgitops-signature-256']).not.toBe(
      signBody('another-secret-0123456', message?.raw ?? ''),
    );
    expect(message?.headers['x-ecsgitops-event']).toBe('rolled-back');
    expect(message?.json).toMatchObject({
      event: 'rolled-back',
      sentAt: '2026-12-01T10:02:00.000Z',
      data: { service: 'actors' },
    });
  });

  it('sends only the events and services a channel asks for', async () => {
    metrics = new Registry();
    const before = receiver.received().length;
    const n = notifier([
      channel({ type: 'slack', name: 'web-failures', events: ['rolled-back'], services: ['web-*'] }),
    ]);
    n.report(rolledBack('actors'));
    n.report(started);
    n.report(rolledBack('web-shop'));
    await n.idle();
    const got = since(before);
    expect(got).toHaveLength(1);
    expect(JSON.stringify(got[0]?.json)).toContain('web-shop');
  });

  it('retries 503 and 429 with backoff, then delivers once', async () => {
    metrics = new Registry();
    const before = receiver.received().length;
    receiver.failNext(503, 429);
    const n = notifier([channel({ type: 'slack' })]);
    n.report(rolledBack('actors'));
    await n.idle();
    expect(since(before).map((r) => r.status)).toEqual([503, 429, 200]);
    expect(await count('slack', 'sent')).toBe(1);
  });

  it('does not retry a 404 (a deleted webhook); it is counted as failed and nothing throws', async () => {
    metrics = new Registry();
    const before = receiver.received().length;
    receiver.failNext(404);
    const n = notifier([channel({ type: 'slack' })]);
    expect(() => n.report(rolledBack('actors'))).not.toThrow();
    await n.idle();
    expect(since(before).map((r) => r.status)).toEqual([404]);
    expect(await count('slack', 'failed')).toBe(1);
  });

  it('gives up after the last attempt when the receiver cannot be reached', async () => {
    metrics = new Registry();
    const n = notifier([channel({ type: 'teams', url: 'http://127.0.0.1:9/unreachable' })]);
    n.report(rolledBack('actors'));
    await n.idle();
    expect(await count('teams', 'failed')).toBe(1);
  });
});
