import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardPlugin } from '../../../deployer/http/dashboard/dashboard-plugin.ts';
import type { FakeRuntime } from '../../support/fake-runtime.ts';
import { deployerStatus, fakeRuntime, serviceStatus } from './dashboard-fixtures.ts';

const apps: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function listen(runtime: FakeRuntime, keepAliveMs?: number, maxStreams?: number): Promise<string> {
  // fetch keeps the socket of an aborted stream until undici's keep-alive timeout (4 s), and close()
  // would wait for it: the test's own client, not the plugin, so cut it. The test that checks close()
  // with open streams builds its server without this.
  const app = Fastify({ forceCloseConnections: true });
  await app.register(dashboardPlugin, {
    runtime,
    ...(keepAliveMs ? { keepAliveMs } : {}),
    ...(maxStreams ? { maxStreams } : {}),
  });
  apps.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** Reads server-sent events (and comments) from a fetch response until `predicate` matches. */
function eventReader(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const blocks: string[] = [];
  return {
    async next(predicate: (block: string) => boolean = () => true): Promise<string> {
      for (;;) {
        const index = blocks.findIndex(predicate);
        if (index !== -1) return blocks.splice(0, index + 1).pop()!;
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          blocks.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    },
    cancel: () => reader.cancel(),
  };
}

function statusOf(block: string): { status: { services: Array<{ sync: { state: string } }> }; html: string } {
  const data = block.split('\n').find((line) => line.startsWith('data: '));
  return JSON.parse(data!.slice('data: '.length));
}

describe('GET /events', () => {
  it('sends the current status at once and an update after every status change', async () => {
    const runtime = fakeRuntime();
    const url = await listen(runtime);
    const controller = new AbortController();
    const response = await fetch(`${url}/events`, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = eventReader(response);
    const first = statusOf(await events.next((b) => b.startsWith('event: status')));
    expect(first.status.services[0]?.sync.state).toBe('OutOfSync');

    runtime.setStatus(
      deployerStatus({
        services: [
          serviceStatus({ sync: { state: 'Synced', reason: 'RolloutSucceeded', message: '', since: 's' } }),
        ],
      }),
    );
    const second = statusOf(await events.next((b) => b.startsWith('event: status')));
    expect(second.status.services[0]?.sync.state).toBe('Synced');
    expect(second.html).toContain('data-state="Synced"');
    controller.abort();
  });

  it('coalesces a burst of changes into one update carrying the latest status', async () => {
    const runtime = fakeRuntime();
    const url = await listen(runtime);
    const controller = new AbortController();
    const events = eventReader(await fetch(`${url}/events`, { signal: controller.signal }));
    await events.next((b) => b.startsWith('event: status'));
    for (const state of ['Progressing', 'Failed', 'Synced'] as const) {
      runtime.setStatus(
        deployerStatus({
          services: [serviceStatus({ sync: { state, reason: 'R', message: '', since: 's' } })],
        }),
      );
    }
    const update = statusOf(await events.next((b) => b.startsWith('event: status')));
    expect(update.status.services[0]?.sync.state).toBe('Synced');
    controller.abort();
  });

  it('streams at /dashboard/events as well as /events', async () => {
    const url = await listen(fakeRuntime());
    const controller = new AbortController();
    const response = await fetch(`${url}/dashboard/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = eventReader(response);
    expect(statusOf(await events.next((b) => b.startsWith('event: status'))).status.services).toHaveLength(1);
    controller.abort();
  });

  it('sends keep-alive comments while nothing changes', async () => {
    const url = await listen(fakeRuntime(), 30);
    const controller = new AbortController();
    const events = eventReader(await fetch(`${url}/events`, { signal: controller.signal }));
    expect(await events.next((b) => b.startsWith(':'))).toBe(': keep-alive');
    controller.abort();
  });

  it('unsubscribes from the runtime when the browser goes away', async () => {
    const runtime = fakeRuntime();
    const url = await listen(runtime);
    const controller = new AbortController();
    const events = eventReader(await fetch(`${url}/events`, { signal: controller.signal }));
    await events.next((b) => b.startsWith('event: status'));
    expect(runtime.subscriberCount()).toBe(1);
    controller.abort();
    await expect.poll(() => runtime.subscriberCount(), { timeout: 2000 }).toBe(0);
  });

  it('lets the server close while streams are open', async () => {
    const runtime = fakeRuntime();
    const app = Fastify();
    await app.register(dashboardPlugin, { runtime });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const events = eventReader(await fetch(`${url}/events`));
    await events.next((b) => b.startsWith('event: status'));
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(events.next(() => false)).rejects.toThrow(/stream ended|terminated/);
    expect(runtime.subscriberCount()).toBe(0);
  });

  it('refuses streams beyond the limit with 503, and takes new ones when a tab closes', async () => {
    const runtime = fakeRuntime();
    const url = await listen(runtime, undefined, 2);
    const tabs = [new AbortController(), new AbortController()];
    for (const tab of tabs) {
      const events = eventReader(await fetch(`${url}/events`, { signal: tab.signal }));
      await events.next((b) => b.startsWith('event: status'));
    }
    const refused = await fetch(`${url}/events`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(await refused.json()).toMatchObject({ error: { code: 'TOO_MANY_STREAMS' } });
    tabs[0]?.abort();
    // The server notices the closed tab shortly after; then a new stream fits again.
    const again = new AbortController();
    await expect
      .poll(
        async () => {
          const response = await fetch(`${url}/events`, { signal: again.signal });
          if (response.status !== 200) await response.body?.cancel();
          return response.status;
        },
        { timeout: 2000 },
      )
      .toBe(200);
    again.abort();
    tabs[1]?.abort();
  });

  it('has no HEAD variant that would hang', async () => {
    const url = await listen(fakeRuntime());
    for (const path of ['/events', '/dashboard/events']) {
      const response = await fetch(`${url}${path}`, { method: 'HEAD', signal: AbortSignal.timeout(2000) });
      expect(response.status).toBe(404);
    }
  });
});
