// Figures the dashboard shows that come from the runtime: the queue's follow the work (a sample taken
// mid-work, "2 in flight", must not stay on screen after the queue drained until the next periodic read),
// and the live image keeps its tag while a rollout moves the desired one on.
import { afterEach, describe, expect, it } from 'vitest';
import { runtimeOverFakes, stopRuntimes } from '../../support/runtime-over-fakes.ts';
import { untilStatus } from '../../support/until-status.ts';

afterEach(stopRuntimes);

const until = untilStatus;

describe('queue figures in the status', () => {
  it('are read again once the messages are settled, not left at a mid-work sample', async () => {
    const { queue, boot, seedActors } = runtimeOverFakes();
    seedActors({ breakerRollback: false });
    // The first read happens while work is in hand (what the periodic read may well catch).
    const real = queue.stats.bind(queue);
    let reads = 0;
    queue.stats = async (signal) => (reads++ === 0 ? { visible: 0, inFlight: 2 } : real(signal));
    // No periodic read at all: only the reads after settled messages can correct the figure.
    const runtime = boot();
    await runtime.start();
    await until(runtime, (s) => s.services[0]?.sync.state === 'Synced');
    await until(runtime, (s) => queue.messages.length === 0 && s.queue.inFlight === 0);
    expect(runtime.status().queue).toEqual({ visible: 0, inFlight: 0 });
    expect(reads).toBeGreaterThan(1);
  });

  it('keep the live tag while a rollout replaces it, in the live image and the rollout history', async () => {
    const { registry, boot, seedActors } = runtimeOverFakes();
    // ECS runs 1.0.0 by digest, as infrastructure deployed it: no rollout record names its tag.
    const { v1 } = seedActors({ byDigest: true, breakerRollback: false });
    const runtime = boot();
    await runtime.start();
    let status = await until(runtime, (s) => s.services[0]?.sync.state === 'Synced');
    expect(status.services[0]?.recentRollouts).toEqual([]);
    expect(status.services[0]?.live).toMatchObject({ digest: v1, tag: '1.0.0' });
    const v11 = registry.push('actors', '1.1.0');
    await runtime.enqueue(
      { kind: 'image-push', repository: 'actors', digest: v11, tag: '1.1.0', pushedAt: '' },
      AbortSignal.timeout(1000),
    );
    status = await until(runtime, (s) => s.services[0]?.recentRollouts.length === 1);
    expect(status.services[0]?.recentRollouts[0]?.from).toMatchObject({ digest: v1, tag: '1.0.0' });
    expect(status.services[0]?.live).toMatchObject({ digest: v11, tag: '1.1.0' });
  });

  it('give a manual rollback the time ECS took to finish it, not 0 ms, and show it in progress meanwhile', async () => {
    const { registry, boot, seedActors } = runtimeOverFakes();
    const { v1 } = seedActors({ byDigest: true, breakerRollback: false });
    const runtime = boot();
    await runtime.start();
    await until(runtime, (s) => s.services[0]?.sync.state === 'Synced');
    const v11 = registry.push('actors', '1.1.0');
    await runtime.enqueue(
      { kind: 'image-push', repository: 'actors', digest: v11, tag: '1.1.0', pushedAt: '' },
      AbortSignal.timeout(1000),
    );
    await until(runtime, (s) => s.services[0]?.live?.digest === v11 && s.services[0].currentRollout === null);
    const seen: string[] = [];
    const unsubscribe = runtime.subscribe((s) => {
      const step = s.services[0]?.currentRollout?.step;
      if (step) seen.push(step);
    });
    await runtime.rollback('actors', undefined, AbortSignal.timeout(1000));
    const status = await until(
      runtime,
      (s) => s.services[0]?.currentRollout === null && s.services[0].live?.digest === v1,
    );
    unsubscribe();
    const manual = status.services[0]?.recentRollouts[0];
    expect(manual).toMatchObject({ reason: 'ManualRollback', result: 'RolledBack' });
    expect(manual?.durationMs).toBeGreaterThan(0);
    expect(Date.parse(manual?.finishedAt ?? '') - Date.parse(manual?.startedAt ?? '')).toBe(
      manual?.durationMs,
    );
    expect(seen).toContain('RollingBack');
  });
});
