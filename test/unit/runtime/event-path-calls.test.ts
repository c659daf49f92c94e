// Issue 17 item 5: fewer sequential AWS calls between an image push and its UpdateService. The ECS
// and ECR ports record when each call starts and ends (a sequence, not a clock); the longest chain of
// calls where each starts after the previous one ended, up to the UpdateService, is how many round
// trips the event path waits for. It was 7 (DescribeImages ∥ DescribeServices → DescribeTaskDefinition
// → ListTaskDefinitions → DescribeTaskDefinition × n → RegisterTaskDefinition → DescribeServices →
// UpdateService); reads started together make it 3. The reads start as intake queues the reconcile
// (early-reads.ts), so once the reconcile's message is received only 2 are left: the SQS hop and the
// reads overlap.
import { afterEach, describe, expect, it } from 'vitest';
import { REGISTRY_HOST, serviceYaml } from '../../support/fakes/index.ts';
import { runtimeOverFakes, stopRuntimes } from '../../support/runtime-over-fakes.ts';
import { untilStatus } from '../../support/until-status.ts';

afterEach(stopRuntimes);

interface Call {
  operation: string;
  start: number;
  end: number;
}

/** Wraps every method of a port so each call's start and end get a number from one sequence. */
function timeline() {
  const calls: Call[] = [];
  let seq = 0;
  const wrap = <T extends object>(port: T, prefix: string): T =>
    new Proxy(port, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const call: Call = {
            operation: `${prefix}:${String(key)}`,
            start: seq++,
            end: Number.POSITIVE_INFINITY,
          };
          calls.push(call);
          try {
            return await value.apply(target, args);
          } finally {
            call.end = seq++;
          }
        };
      },
    });
  /** Calls in the longest chain ending with the first `operation` started at or after `from`. */
  const criticalPath = (from: number, operation: string): number => {
    const window = calls.filter((c) => c.start >= from);
    const last = window.find((c) => c.operation === operation);
    if (!last) throw new Error(`no ${operation} since ${from}`);
    const depth = new Map<Call, number>();
    for (const call of window) {
      if (call.start > last.start) break;
      const before = window.filter((c) => c.end < call.start).map((c) => depth.get(c) ?? 0);
      depth.set(call, 1 + Math.max(0, ...before));
    }
    return depth.get(last) ?? 0;
  };
  return { wrap, calls, mark: () => seq, criticalPath };
}

describe('the event path', () => {
  it('reaches UpdateService after at most 3 sequential AWS calls, first push and later ones', async () => {
    const world = runtimeOverFakes();
    const v1 = world.registry.push('actors', '1.0.0');
    world.ecs.seed({ service: 'actors', image: `${REGISTRY_HOST}/actors@${v1}` });
    world.configSource.commit('a'.repeat(40), [serviceYaml({ verify: false, cdn: false })]);
    const calls = timeline();
    // The sequence number when each reconcile message was handed to the runtime.
    const reconcileReceived: number[] = [];
    const queue = new Proxy(world.queue, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key !== 'receive') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: Parameters<typeof target.receive>) => {
          const messages = await target.receive(...args);
          for (const m of messages) if (m.body.kind === 'reconcile') reconcileReceived.push(calls.mark());
          return messages;
        };
      },
    });
    const runtime = world.boot({
      ecs: calls.wrap(world.ecs, 'ecs'),
      registry: calls.wrap(world.registry, 'ecr'),
      queue,
    });
    await runtime.start();
    await untilStatus(runtime, (s) => s.services[0]?.sync.state === 'Synced');

    const paths: number[] = [];
    const afterReceive: number[] = [];
    for (const tag of ['1.1.0', '1.2.0', '1.3.0']) {
      const digest = world.registry.push('actors', tag);
      const from = calls.mark();
      await runtime.enqueue(
        { kind: 'image-push', repository: 'actors', digest, tag, pushedAt: '' },
        AbortSignal.timeout(5_000),
      );
      await untilStatus(
        runtime,
        (s) => s.services[0]?.live?.digest === digest && s.services[0].sync.state === 'Synced',
      );
      paths.push(calls.criticalPath(from, 'ecs:updateService'));
      afterReceive.push(calls.criticalPath(reconcileReceived.at(-1) ?? from, 'ecs:updateService'));
    }
    expect(paths).toEqual([3, 3, 3]);
    expect(afterReceive).toEqual([2, 2, 2]);
  });

  it('an ECR push of a tag no service tracks makes no AWS call and queues no reconcile', async () => {
    const world = runtimeOverFakes();
    const v1 = world.registry.push('actors', '1.0.0');
    world.ecs.seed({ service: 'actors', image: `${REGISTRY_HOST}/actors@${v1}` });
    world.configSource.commit('a'.repeat(40), [serviceYaml({ verify: false, cdn: false })]); // ^1.0.0
    const calls = timeline();
    const runtime = world.boot({
      ecs: calls.wrap(world.ecs, 'ecs'),
      registry: calls.wrap(world.registry, 'ecr'),
    });
    await runtime.start();
    await untilStatus(runtime, (s) => s.services[0]?.sync.state === 'Synced');
    await expect.poll(() => world.queue.messages.length).toBe(0);

    const from = calls.mark();
    const sentBefore = world.queue.sent.length;
    const builds = ['build-41', '2.0.0', 'main-abc'];
    for (const tag of builds) {
      const digest = world.registry.push('actors', tag);
      await runtime.enqueue(
        { kind: 'image-push', repository: 'actors', digest, tag, pushedAt: '' },
        AbortSignal.timeout(5_000),
      );
    }
    const handled = () => world.queue.deleted.filter((m) => m.kind === 'image-push').length;
    await expect.poll(handled).toBe(builds.length);
    await expect.poll(() => world.queue.messages.length).toBe(0);

    expect(calls.calls.filter((c) => c.start >= from).map((c) => c.operation)).toEqual([]);
    expect(world.queue.sent.slice(sentBefore).map((m) => m.kind)).toEqual(builds.map(() => 'image-push'));
  });
});
