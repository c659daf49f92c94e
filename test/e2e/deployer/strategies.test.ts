// ECS strategies through the real deployer process in the local world (issue 15's done-when): one
// deployer, one config repository, and for each case a commit of `rollout.strategy` and an ECR push.
// - first, a canary gated by rollout.analysis (issue 15's "canary that fails analysis: rolled back, digest
//   remembered"; was analysis.test.ts, with a world and deployer of its own): the deployer reads the
//   CloudWatch stand-in through AWS_ENDPOINT_URL_CLOUDWATCH with its production adapters; the canary's
//   alarm goes to ALARM while it bakes, so it is rolled back, the status names the alarm, and the digest
//   is not retried (a passing analysis letting ECS finish is test/integration/local/analysis.test.ts's);
// - a canary that passes: the load balancer splits production traffic 90/10 while the status says
//   `canary 10 %`, then sends all of it to the new revision;
// - a canary whose new revision serves errors: the strategy gate's first bad answer (through the test
//   header, which reaches the new revision at every look) stops the ECS deployment
//   (StopServiceDeployment ROLLBACK), the digest is remembered and not retried on resync;
// - a blue-green whose green fails its test-traffic probe: held by the deployer's PAUSE hook and rolled
//   back through it, the load balancer never sent green a production request;
// - a linear rollout to completion, its steps on the status;
// - acceptance 3, under the plain rolling update: a broken image fails in ECS, is rolled back
//   automatically, the status says Failed with the reason, no invalidation is created, and resyncs
//   (the message the periodic timer queues) do not retry the failed digest (was broken-image.test.ts,
//   with a world and deployer of its own; it runs last here, after the linear rollout left 1.4.0 live).
// An approval held then approved, and a rollout held by a freeze window, are proven through the process
// by restarts.test.ts's gates ("holds a new digest at PendingApproval..." / "approve rolls the held
// digest out", "a deny window holds a rollout...").
// A local ECS "minute" (bake times) lasts MINUTE_MS here.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../../deployer/contract/status-model.ts';
import {
  deduplicationId,
  encodeMessage,
  messageGroupId,
} from '../../../deployer/domain/events/queue-message.ts';
import type { QueueMessage } from '../../../deployer/domain/types.ts';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import {
  ACTORS_FILE,
  type E2eEnvironment,
  servedVersion,
  startE2eEnvironment,
} from '../../support/e2e-environment.ts';
import { worldActorsYaml } from '../../support/local-actors.ts';
import { withWorldSqs } from '../../support/queue-depth.ts';

const MINUTE_MS = 200;
const TEST_HEADER = '  testTraffic:\n    header: { name: x-test-traffic, value: "1" }\n';
const ALARM = 'actors-canary-5xx';
// The canary bakes 30 s (150 local minutes; the config's rollout timeout, in real seconds, must exceed
// the bake's minutes): the alarm ends it as soon as the test raises it, and on a loaded machine the
// test may see the canary phase seconds late (a 4 s bake ended first at a load of 20).
const CANARY_WITH_ANALYSIS = [
  '  strategy: canary',
  '  bakeMinutes: 0',
  '  canary: { percent: 10, bakeMinutes: 150 }',
  '  analysis:',
  '    intervalSeconds: 0.1',
  `    alarms: [${ALARM}]`,
  `    errorRate: { loadBalancer: "\${stack:LoadBalancerFullName}", maxPercent: 5, minRequests: 20 }`,
  '',
].join('\n');

describe('deployer e2e: ECS strategies gated by our verification', { timeout: 90_000 }, () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;

  /** actors.yaml with `strategy` (YAML lines under `rollout:`); the hold's timeout is the rollout's. */
  const withStrategy = (strategy: string, rolloutTimeoutSeconds = 1800) =>
    worldActorsYaml(e2e.world, {
      verify: { successes: 3, intervalSeconds: 0.1, timeoutSeconds: 20 },
      rolloutTimeoutSeconds,
    }).replace('  rollback: true\n', `  rollback: true\n${strategy}`);
  const applyConfig = async (strategy: string, message: string, rolloutTimeoutSeconds?: number) => {
    await e2e.repo.commit({ [ACTORS_FILE]: withStrategy(strategy, rolloutTimeoutSeconds) }, message);
    // `unchanged`: a periodic resync applied the commit first.
    expect(['applied', 'unchanged']).toContain((await deployer.post('/api/config/refresh')).body.outcome);
  };
  const settled = (what: string, test: (service: ServiceStatus) => boolean) =>
    deployer.waitFor(what, (status) =>
      status.services.find((s) => s.name === 'actors' && s.currentRollout === null && test(s)),
    );
  /**
   * Queues a resync as the deployer's periodic timer does: the same message (kind `resync`, no
   * trigger) through the intake queue, encoded by the deployer's own wire format. That the timer
   * queues it every RESYNC_INTERVAL_SECONDS is test/unit/runtime/periodic-resync.test.ts's claim.
   */
  const queueResync = async () => {
    const message: QueueMessage = {
      kind: 'resync',
      reason: `periodic (queued by strategies.test.ts) ${new Date().toISOString()} ${Math.random()}`,
    };
    await withWorldSqs(e2e, (sqs, queueUrl) =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: encodeMessage(message),
          MessageGroupId: messageGroupId(message),
          MessageDeduplicationId: deduplicationId(message),
        }),
      ),
    );
  };
  /** Two resyncs, queued after the failure was recorded, pass without registering `image` again; the status after them. */
  const notRetriedOverTwoResyncs = async (image: string) => {
    const registrations = () =>
      e2e.world.taskDefinitions().filter((td) => JSON.stringify(td.containerDefinitions).includes(image))
        .length;
    expect(registrations()).toBe(1);
    const resyncs = await deployer.eventCount('resync');
    await queueResync();
    await queueResync();
    const deadline = Date.now() + 30_000;
    while ((await deployer.eventCount('resync')) < resyncs + 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await deployer.eventCount('resync')).toBeGreaterThanOrEqual(resyncs + 2);
    expect(registrations()).toBe(1);
    return deployer.service('actors');
  };
  /** The strategy gate stopped the ECS deployment exactly once since `logMark`, for `reason`. */
  const expectOneGateRollback = (logMark: number, reason: string) => {
    const rolledBack = deployer
      .logs()
      .slice(logMark)
      .filter((line) => line.msg === 'strategy gate: rolling the ECS deployment back');
    expect(rolledBack).toHaveLength(1);
    expect(rolledBack[0]).toMatchObject({
      via: 'StopServiceDeployment',
      reason: expect.stringContaining(reason),
    });
  };
  /** Production requests (no test header) as users send them, until stopped. */
  const users = () => {
    let running = true;
    const loop = (async () => {
      while (running) {
        await fetch(`${e2e.world.serviceUrl('actors')}/version`)
          .then((response) => response.arrayBuffer())
          .catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  };
  /** Every strategy phase the status shows until the rollout ends. */
  const phasesUntilSettled = async (done: (service: ServiceStatus) => boolean) => {
    const phases = new Set<string>();
    // Polled every 50 ms throughout: a linear step lasts 400 ms here.
    await deployer.waitFor(
      'the rollout to end',
      (status) => {
        const actors = status.services.find((s) => s.name === 'actors');
        const phase = actors?.currentRollout?.strategy?.phase;
        if (phase) phases.add(phase);
        return actors && actors.currentRollout === null && done(actors) ? actors : undefined;
      },
      undefined,
      50,
    );
    return phases;
  };

  beforeAll(async () => {
    e2e = await startE2eEnvironment({ world: { timing: { minuteMs: MINUTE_MS } }, workload: 'echo' });
    const v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    await e2e.repo.commit({ [ACTORS_FILE]: withStrategy('') }, 'actors with a long rollout timeout');
    // No periodic resync during the file (the e2e default, 300 s): the two scenarios that check a failed
    // digest is not retried queue their resyncs when they need them (queueResync). A 3 s timer made
    // each check sit out 3-6 s, and each pass costs the deployer ~0.13 CPU-s (git and SDK calls).
    deployer = await e2e.startDeployer();
    await settled('actors Synced on 1.0.0', (s) => s.sync.state === 'Synced' && s.live?.digest === v100);
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('a canary whose analysis alarm goes to ALARM is rolled back, the status names the alarm, and the digest is remembered', async () => {
    e2e.world.setAlarm(ALARM, 'OK');
    await applyConfig(CANARY_WITH_ANALYSIS, 'canary with analysis', 3 * 60 * 60);
    const before = (await deployer.service('actors')).live?.digest;
    const logMark = deployer.logs().length;
    // First, as in a world of its own: no earlier 5xx at the load balancer for the error rate to count
    // (a canary that served errors just before failed it on its error rate, not the alarm). 1.0.5: the
    // canary that passes, next, rolls 1.1.0 out over it.
    const canary = (await e2e.world.push('actors', '1.0.5')).digest;
    await deployer.waitFor('the canary phase', (status) =>
      status.services.find((s) => s.name === 'actors')?.currentRollout?.strategy?.phase === 'canary 10 %'
        ? true
        : undefined,
    );
    e2e.world.setAlarm(ALARM, 'ALARM');
    const actors = await settled('actors RolledBack by the analysis', (s) =>
      s.failedDigests.some((f) => f.digest === canary),
    );
    e2e.world.setAlarm(ALARM, 'OK');
    expect(actors.recentRollouts[0]).toMatchObject({
      result: 'RolledBack',
      reason: 'StrategyProbeFailed',
      to: { digest: canary },
    });
    expect(actors.sync.message).toContain(`analysis failed: alarm ${ALARM} in ALARM`);
    expect(actors.live?.digest).toBe(before);
    expectOneGateRollback(logMark, ALARM);
    // Remembered as failed (asserted above): resyncs do not register it again.
    expect(
      e2e.world.taskDefinitions().filter((td) => JSON.stringify(td.containerDefinitions).includes(canary)),
    ).toHaveLength(1);
  });

  it('a canary that passes: 10 % of production at the load balancer, the phase on the status, then 100 %', async () => {
    await applyConfig(
      '  strategy: canary\n  bakeMinutes: 0\n  canary: { percent: 10, bakeMinutes: 10 }\n',
      'canary 10 %',
    );
    e2e.world.resetTraffic('actors');
    const stopUsers = users();
    // Observed at the load balancer itself while the canary bakes (the world's traffic view).
    const split = (async () => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const weights = Object.values(e2e.world.traffic('actors').productionWeights).sort((a, b) => a - b);
        if (weights.length === 2 && weights[0] === 10) return weights;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return undefined;
    })();
    const v110 = (await e2e.world.push('actors', '1.1.0')).digest;
    const phases = await phasesUntilSettled((s) => s.live?.digest === v110);
    await stopUsers();
    expect(await split).toEqual([10, 90]);
    expect(phases).toContain('canary 10 %');
    const actors = await deployer.service('actors');
    expect(actors.sync).toMatchObject({ state: 'Synced' });
    expect(actors.recentRollouts[0]).toMatchObject({ result: 'Succeeded', to: { digest: v110 } });
    const traffic = e2e.world.traffic('actors');
    expect(Object.values(traffic.productionWeights)).toEqual([100]);
    // Both revisions served users during the canary.
    const served = Object.values(traffic.targetGroups).map((group) => group.production);
    expect(served.filter((count) => count > 0)).toHaveLength(2);
  });

  it('a canary that serves errors is rolled back at the first bad probe; its digest is not retried', async () => {
    // With a test header the gate also probes the new revision directly: the first look catches it
    // (through production alone, a probe lands on a 10 % canary only now and then).
    await applyConfig(
      `  strategy: canary\n  bakeMinutes: 0\n  canary: { percent: 10, bakeMinutes: 10 }\n${TEST_HEADER}`,
      'canary 10 % with a test header',
    );
    const before = (await deployer.service('actors')).live?.digest;
    const logMark = deployer.logs().length; // the analysis canary was stopped before
    const bad = (await e2e.world.push('actors', '1.2.0', { servesErrors: true })).digest;
    const actors = await settled('actors RolledBack from the bad canary', (s) =>
      s.failedDigests.some((f) => f.digest === bad),
    );
    expect(actors.recentRollouts[0]).toMatchObject({
      result: 'RolledBack',
      reason: 'StrategyProbeFailed',
      to: { digest: bad },
    });
    expect(actors.live?.digest).toBe(before);
    // The first answer of the new revision stopped it: no good answer of it was ever counted.
    expectOneGateRollback(logMark, 'HTTP 500');

    expect((await notRetriedOverTwoResyncs(bad)).live?.digest).toBe(before);
  });

  it('a blue-green whose green fails its test-traffic probe is rolled back at the hold: production never reached green', async () => {
    await applyConfig(`  strategy: blue-green\n  bakeMinutes: 0\n${TEST_HEADER}`, 'blue-green');
    const before = (await deployer.service('actors')).live?.digest;
    e2e.world.resetTraffic('actors');
    const stopUsers = users();
    const bad = (await e2e.world.push('actors', '1.3.0', { servesErrors: true })).digest;
    const actors = await settled('actors RolledBack from the bad green', (s) =>
      s.failedDigests.some((f) => f.digest === bad),
    );
    await stopUsers();
    expect(actors.recentRollouts[0]).toMatchObject({ result: 'RolledBack', reason: 'StrategyProbeFailed' });
    expect(actors.live?.digest).toBe(before);
    const groups = Object.values(e2e.world.traffic('actors').targetGroups);
    const green = groups.filter((group) => group.test > 0);
    expect(green).toHaveLength(1);
    expect(green[0]?.production).toBe(0);
    expect(groups.reduce((sum, group) => sum + group.production, 0)).toBeGreaterThan(0);
    // Stopped while test traffic moved to green, or rolled back through the PAUSE hook that holds it
    // after the move (ContinueServiceDeployment ROLLBACK): either way before production shifted.
    const stops = deployer
      .logs()
      .filter((line) => line.msg === 'strategy gate: rolling the ECS deployment back');
    const stop = stops.at(-1);
    expect(['TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT']).toContain(stop?.stage);
    expect(stop?.via).toBe(
      stop?.stage === 'POST_TEST_TRAFFIC_SHIFT' ? 'ContinueServiceDeployment' : 'StopServiceDeployment',
    );
  });

  it('a linear rollout runs its steps to completion', async () => {
    await applyConfig(
      '  strategy: linear\n  bakeMinutes: 0\n  linear: { stepPercent: 25, stepBakeMinutes: 2 }\n',
      'linear 25 % steps',
    );
    const v140 = (await e2e.world.push('actors', '1.4.0')).digest;
    const phases = await phasesUntilSettled((s) => s.live?.digest === v140);
    expect([...phases].filter((phase) => /^step [1-4]\/4$/.test(phase)).length).toBeGreaterThanOrEqual(2);
    const actors = await deployer.service('actors');
    expect(actors).toMatchObject({ sync: { state: 'Synced' }, live: { digest: v140 } });
    expect(Object.values(e2e.world.traffic('actors').productionWeights)).toEqual([100]);
  });

  it('a broken image under a rolling update: rolled back to 1.4.0, Failed with the reason, no invalidation, not retried on resync (acceptance 3)', async () => {
    // Named: a config without rollout.strategy leaves the service's ECS strategy (linear here) as it is.
    await applyConfig('  strategy: rolling\n', 'back to a rolling update');
    const v140 = e2e.world.registry.resolveImageReference('actors:1.4.0').digest ?? '';
    const invalidationsBefore = e2e.world.invalidations().length;
    const broken = (await e2e.world.push('actors', '1.5.0', { broken: true })).digest;
    const failed = await deployer.waitFor('actors Failed after the broken push', (status) =>
      status.services.find(
        (s) => s.sync.state === 'Failed' && s.failedDigests.some((f) => f.digest === broken),
      ),
    );
    // ECS's circuit breaker stops the deployment (or, if the tasks linger, verification times out);
    // later reconciles report the digest as blocked.
    const failure = ['DeploymentFailed', 'VerifyTimeout', 'VerifyWrongVersion'];
    expect([...failure, 'DigestBlocked']).toContain(failed.sync.reason);
    expect(failure).toContain(failed.recentRollouts[0]?.reason);
    expect(failed.sync.message).not.toBe('');
    expect(failed.recentRollouts[0]).toMatchObject({ to: { digest: broken } });
    expect(['Failed', 'RolledBack']).toContain(failed.recentRollouts[0]?.result);

    await settled('actors live on 1.4.0 again', (s) => s.live?.digest === v140);
    await e2e.world.waitForRollout('actors', 10_000);
    expect((await servedVersion(e2e.world)).digest).toBe(v140);
    expect(e2e.world.invalidations()).toHaveLength(invalidationsBefore);

    // Resyncs (the periodic timer's message) do not retry the failed digest.
    const actors = await notRetriedOverTwoResyncs(broken);
    expect(actors.live?.digest).toBe(v140);
    expect(actors.failedDigests.map((f) => f.digest)).toContain(broken);
  });
});
