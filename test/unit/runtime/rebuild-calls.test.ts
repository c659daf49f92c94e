// The startup rebuild's ECS cost per service, counted over the fakes (a count, not a time): the bulk
// DescribeServices (10 services a call) and the live revision, not the family's history, which is read
// when someone asks for it (service-history.ts).
import { describe, expect, it } from 'vitest';
import { CachedTaskDefinitions } from '../../../deployer/runtime/cached-task-definitions.ts';
import { rebuildStatus } from '../../../deployer/runtime/rebuild-status.ts';
import {
  HistoryCache,
  historyVersion,
  readServiceHistory,
} from '../../../deployer/runtime/service-history.ts';
import { StatusStore } from '../../../deployer/runtime/status-store.ts';
import {
  actorsServiceConfig,
  FakeClock,
  FakeEcs,
  REGISTRY_HOST,
  silentLogger,
  sumCalls,
} from '../../support/fakes/index.ts';

const SERVICES = 20;
const HISTORY = 25;
const digest = (service: number, n: number) =>
  `sha256:${service.toString(16).padStart(4, '0')}${n.toString(16).padStart(60, '0')}`;

/** SERVICES services, each with HISTORY succeeded rollouts recorded on its revisions; the newest runs. */
async function world() {
  const clock = new FakeClock();
  const ecs = new FakeEcs(clock);
  const configs = [];
  for (let s = 0; s < SERVICES; s++) {
    const name = `svc-${s}`;
    let previous = ecs.seed({
      service: name,
      container: name,
      image: `${REGISTRY_HOST}/${name}@${digest(s, 0)}`,
    });
    for (let n = 1; n <= HISTORY; n++) {
      const { taskDefinition } = await ecs.describeTaskDefinition(previous);
      previous = await ecs.registerTaskDefinition(
        {
          family: taskDefinition.family,
          containerDefinitions: [
            { name, image: `${REGISTRY_HOST}/${name}@${digest(s, n)}`, essential: true },
          ],
        },
        {
          'ecs-gitops:rollout-id': `ro-${s}-${n}`,
          'ecs-gitops:service': name,
          'ecs-gitops:digest': digest(s, n),
          'ecs-gitops:result': 'Succeeded',
          'ecs-gitops:reason': 'RolloutSucceeded',
          'ecs-gitops:started-at': '2026-01-01T00:00:00.000Z',
          'ecs-gitops:finished-at': '2026-01-01T00:00:30.000Z',
          'ecs-gitops:previous-task-definition': previous,
        },
      );
    }
    await ecs.updateService('gitops', name, previous);
    configs.push(actorsServiceConfig({ name, service: name, container: name }));
  }
  ecs.counter.reset();
  return { clock, ecs, configs };
}

describe('rebuildStatus ECS calls', () => {
  it('costs about one bulk describe share and the live revisions per service, not the history', async () => {
    const { clock, ecs, configs } = await world();
    const store = new StatusStore({ mode: 'local', version: 'test', clock });
    await rebuildStatus(
      { ecs: new CachedTaskDefinitions(ecs), store, logger: silentLogger },
      configs,
      AbortSignal.timeout(5_000),
    );
    const calls = ecs.counter.byOperation();
    const perService = sumCalls(calls) / SERVICES;
    expect(calls['ecs:DescribeServices']).toBe(Math.ceil(SERVICES / 10));
    expect(calls['ecs:ListTaskDefinitions'] ?? 0).toBe(0);
    // The live revision, and the one it replaced (the `from` of the rollout the status shows).
    expect(perService).toBeLessThanOrEqual(2.1);
    const svc = store.service('svc-3');
    expect(svc?.live?.digest).toBe(digest(3, HISTORY));
    expect(svc?.recentRollouts[0]).toMatchObject({
      id: `ro-3-${HISTORY}`,
      result: 'Succeeded',
      from: { image: `${REGISTRY_HOST}/svc-3@${digest(3, HISTORY - 1)}` },
    });
  });
});

describe('HistoryCache', () => {
  it('reads a history from ECS once, again after its time to live or when the status moved on', async () => {
    const { clock, ecs, configs } = await world();
    const store = new StatusStore({ mode: 'local', version: 'test', clock });
    const histories = new HistoryCache({
      now: () => clock.now().getTime(),
      version: (service) => historyVersion(store.service(service)),
      ttlMs: 15_000,
    });
    const config = configs[0] as (typeof configs)[number];
    const read = () =>
      histories.read(config.name, 20, () =>
        readServiceHistory(
          { ecs, links: { mode: 'local', region: 'eu-west-1' } },
          config,
          20,
          AbortSignal.timeout(5_000),
        ),
      );
    const first = await read();
    const once = sumCalls(ecs.counter.byOperation());
    expect(first.revisions).toHaveLength(20);
    expect(once).toBeGreaterThan(20);
    expect(await read()).toBe(first);
    expect(sumCalls(ecs.counter.byOperation())).toBe(once);
    store.update(config.name, (s) => {
      s.suspended = true;
    });
    await read();
    expect(sumCalls(ecs.counter.byOperation())).toBe(2 * once);
    clock.advance(15_000);
    await read();
    expect(sumCalls(ecs.counter.byOperation())).toBe(3 * once);
  });
});
