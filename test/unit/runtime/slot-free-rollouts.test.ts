// Issue 17 item 3: a rollout waiting on ECS frees its queue slot. 200 rollouts wait on deployments ECS
// has not finished (their slots: the default 4), and an unrelated service's image push still reaches
// UpdateService, then finishes on its ECS event, while all 200 are in flight (and a resync passes). With slots held for a
// whole rollout, only 4 of the 200 would ever start.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';
import type { Clock } from '../../../deployer/ports.ts';
import { consumerOverFakes, stopConsumers } from '../../support/consumer-over-fakes.ts';
import { FakeClock, FakeQueue, REGISTRY_HOST, serviceYaml } from '../../support/fakes/index.ts';
import { runtimeOverFakes, stopRuntimes } from '../../support/runtime-over-fakes.ts';
import { until, untilStatus } from '../../support/until-status.ts';

afterEach(stopRuntimes);
afterEach(stopConsumers);

const WAITING = 200;

/** Time that does not pass: a wait ends only on an ECS event (or the runtime stopping). */
class StoppedClock implements Clock {
  now(): Date {
    return new Date('2026-01-01T00:00:00Z');
  }
  sleep(_ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((_resolve, reject) => {
      signal.throwIfAborted();
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
  every(): void {}
}

const waitingOnEcs = (status: DeployerStatus) =>
  status.services.filter((s) => s.name.startsWith('fleet-') && s.currentRollout?.step === 'Waiting');

describe('rollouts that wait on ECS do not hold a queue slot', () => {
  it(`${WAITING} rollouts wait on ECS on one replica while an unrelated push is rolled out`, async () => {
    const world = runtimeOverFakes();
    expect(world.settings.concurrency).toBeLessThan(WAITING);
    const files = [serviceYaml({ name: 'other', verify: false, cdn: false })];
    // Seeded at the digests the config tracks: in sync from the start, nothing rolled out yet.
    const fleetV1 = world.registry.push('fleet', '1.0.0');
    const otherV1 = world.registry.push('other', '1.0.0');
    world.ecs.seed({ service: 'other', image: `${REGISTRY_HOST}/other@${otherV1}` });
    for (let i = 0; i < WAITING; i++) {
      const name = `fleet-${i}`;
      files.push(serviceYaml({ name, repository: 'fleet', verify: false, cdn: false }));
      world.ecs.seed({ service: name, image: `${REGISTRY_HOST}/fleet@${fleetV1}` });
    }
    world.configSource.commit('a'.repeat(40), files);
    // The fleet's new deployments never finish by themselves; the other service's when ECS ends it.
    world.ecs.behaviour = (arn) => (arn.includes('/fleet-') ? 'hang' : 'complete');
    const runtime = world.boot({ clock: new StoppedClock() });
    await runtime.start();
    await untilStatus(runtime, (s) => s.services.every((service) => service.sync.state === 'Synced'), 30_000);

    const fleetV2 = world.registry.push('fleet', '1.1.0');
    await runtime.enqueue(
      { kind: 'image-push', repository: 'fleet', digest: fleetV2, tag: '1.1.0', pushedAt: '' },
      AbortSignal.timeout(5_000),
    );
    await untilStatus(runtime, (s) => waitingOnEcs(s).length === WAITING, 60_000);

    // A resync meanwhile compares every service; it must not wait for the rollouts in progress.
    await runtime.enqueue({ kind: 'resync', reason: 'periodic' }, AbortSignal.timeout(5_000));
    const otherV2 = world.registry.push('other', '1.1.0');
    expect(otherV2).not.toBe(otherV1);
    await runtime.enqueue(
      { kind: 'image-push', repository: 'other', digest: otherV2, tag: '1.1.0', pushedAt: '' },
      AbortSignal.timeout(5_000),
    );
    await untilStatus(
      runtime,
      (s) => s.services.find((x) => x.name === 'other')?.currentRollout?.step === 'Waiting',
      10_000,
    );
    expect(world.ecs.calls.update.filter((arn) => arn.includes('/other:'))).toHaveLength(1);
    // ECS completes the other service's deployment and says so: it finishes; the fleet still waits.
    const deploymentId = world.ecs.finishDeployment('other');
    await runtime.enqueue(
      {
        kind: 'deployment-event',
        cluster: 'gitops',
        service: 'other',
        event: 'SERVICE_DEPLOYMENT_COMPLETED',
        deploymentId,
        at: '',
      },
      AbortSignal.timeout(5_000),
    );
    const status = await untilStatus(
      runtime,
      (s) => s.services.find((x) => x.name === 'other')?.live?.digest === otherV2,
      10_000,
    );
    expect(waitingOnEcs(status)).toHaveLength(WAITING);
    expect(world.ecs.calls.update.filter((arn) => arn.includes('/fleet-'))).toHaveLength(WAITING);
    // Every waiting rollout's message is still in flight: a crash now brings each back after its
    // visibility timeout, and the redelivered reconcile resumes the rollout at wait.
    expect(world.queue.inspect().filter((m) => m.kind === 'reconcile' && m.inFlight)).toHaveLength(WAITING);
  }, 120_000);
});

describe('QueueConsumer: work that releases its slot', () => {
  const reconcile = (service: string, reason: string): QueueMessage => ({
    kind: 'reconcile',
    service,
    reason,
  });

  it('keeps the message in flight and extended while other groups use the slot, deletes it at the end, keeps its group in order', async () => {
    const queue = new FakeQueue({ visibilityTimeoutSeconds: 30 });
    const clock = new FakeClock();
    const gates = new Map<string, () => void>();
    const order: string[] = [];
    await queue.send(reconcile('waits', 'w1'));
    await queue.send(reconcile('waits', 'w2'));
    for (const service of ['a', 'b', 'c']) await queue.send(reconcile(service, `${service}1`));
    const consumer = consumerOverFakes(queue, {
      concurrency: 1,
      clock,
      handle: async (message, _signal, slot) => {
        const { reason } = message.body as Extract<QueueMessage, { kind: 'reconcile' }>;
        order.push(`start ${reason}`);
        if (reason === 'w1') {
          slot.release();
          await new Promise<void>((resolve) => gates.set(reason, resolve));
        }
        order.push(`end ${reason}`);
      },
    });
    consumer.start();
    // One slot: a, b and c ran in it while w1 waited without it.
    await until(() => ['a1', 'b1', 'c1'].every((r) => order.includes(`end ${r}`)));
    expect(consumer.waiting).toBe(1);
    expect(order).not.toContain('start w2');
    const w1 = queue.inspect().find((m) => m.id === 'm1');
    expect(w1).toMatchObject({ inFlight: true });
    clock.advance(10_000); // a heartbeat
    await until(() => queue.visibilityChanges.some((change) => change.id === 'm1' && change.seconds === 30));
    gates.get('w1')?.();
    await until(() => queue.deleted.length === 5);
    expect(order.indexOf('end w1')).toBeLessThan(order.indexOf('start w2'));
    expect(consumer.waiting).toBe(0);
  });

  it('gives a waiting message back when stopping, for the next deployer to resume', async () => {
    const queue = new FakeQueue({ visibilityTimeoutSeconds: 30 });
    await queue.send(reconcile('waits', 'w1'));
    const consumer = consumerOverFakes(queue, {
      concurrency: 1,
      handle: async (_message, signal, slot) => {
        slot.release();
        await new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      },
    });
    consumer.start();
    await until(() => consumer.waiting === 1);
    await consumer.stop();
    expect(queue.deleted).toHaveLength(0);
    expect(queue.inspect()).toMatchObject([{ id: 'm1', inFlight: false }]);
  });
});
