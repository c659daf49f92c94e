// The strategy gate over the local world with the production adapters: the deployer's update step sends
// the canary or blue/green configuration, ECS (the stand-in) shifts traffic between two target groups,
// and the gate reads the lifecycle stage, probes the new revision and, when it answers badly, stops the
// deployment with ROLLBACK. Canary that passes: the split is seen at the load balancer, then 100 %.
// Canary that fails: traffic back on the old revision, reason StrategyProbeFailed. Blue/green with a test
// header: the update sends a PAUSE hook at POST_TEST_TRAFFIC_SHIFT, the gate probes green through the
// header while ECS holds, and releases it (CONTINUE) or rolls it back (ROLLBACK) before production moves,
// while a client sends production requests the whole time. moto 5.2.1 has no ContinueServiceDeployment or
// DescribeServiceDeployments (test/contract/moto-limits.ts), so only the stand-in referees this here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { EcsAdapter } from '../../../deployer/adapters/aws/ecs-adapter.ts';
import type { StrategyProgress } from '../../../deployer/contract/status-model.ts';
import type { StrategySettings } from '../../../deployer/domain/rollout-strategy.ts';
import { strategyGate } from '../../../deployer/runtime/rollout/strategy-gate.ts';
import { updateService } from '../../../deployer/runtime/rollout/update.ts';
import { waitForDeployment } from '../../../deployer/runtime/rollout/wait.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { actorsRolloutContext, echoWorldOptions, FAST_TIMING, registerActorsRevision } from './helpers.ts';

const JUDGED_TASK = {
  command: [process.execPath, new URL('../../fixtures/tasks/judged-task.ts', import.meta.url).pathname],
  cwd: process.cwd(),
};
const TEST_HEADER = { name: 'x-test-traffic', value: '1' };

let world: LocalWorld;
let ecs: EcsAdapter;
let destroy: () => void;
let revisions = 0;

beforeAll(async () => {
  world = await startLocalWorld(
    echoWorldOptions({
      actorsTargetGroups: 2,
      taskCommands: { actors: JUDGED_TASK },
      timing: { ...FAST_TIMING, minuteMs: 1_500 },
    }),
  );
  const clients = createAwsClients({
    endpoints: { ecs: world.endpoints.ecs },
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  destroy = () => clients.destroy();
  ecs = new EcsAdapter(clients.ecs);
});
afterAll(async () => {
  destroy?.();
  await world?.stop();
});

/** A revision of actors whose tasks report `digest` (ending in `bad0`: /version answers 500). */
async function register(bad: boolean): Promise<{ arn: string; digest: string }> {
  revisions += 1;
  const digest = `sha256:${String(revisions).padStart(60, '0')}${bad ? 'bad0' : 'c0de'}`;
  const clients = createAwsClients({
    endpoints: { ecs: world.endpoints.ecs },
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    return await registerActorsRevision(clients.ecs, digest);
  } finally {
    clients.destroy();
  }
}

/** Production requests (no test header) until stopped, as users would send them during the rollout. */
function productionClient(): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      await fetch(`${world.serviceUrl('actors')}/version`)
        .then((response) => response.arrayBuffer())
        .catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Update + wait with the gate, as deploy.ts runs them; returns the outcome and every phase the gate saw. */
async function rollOut(strategy: StrategySettings, bad: boolean) {
  const before = (await ecs.describeService('gitops', 'actors', AbortSignal.timeout(10_000)))
    .taskDefinitionArn;
  const next = await register(bad);
  const phases: StrategyProgress[] = [];
  // The hold's timeout is the rollout's (a local "minute" is 1.5 s here): long enough for the probes.
  const ctx = actorsRolloutContext(
    ecs,
    world.serviceUrl('actors'),
    { timeoutSeconds: 1200, rollback: true, strategy },
    { ecsMinuteMs: 1_500, onStrategyProgress: (progress) => phases.push(progress) },
  );
  world.resetTraffic('actors');
  // As deploy.ts does, UpdateService's answer is the wait's first look (see analysis.test.ts: a wait that
  // never saw its deployment, rolled back and dropped before the first describe, waits on).
  const after = await updateService(ctx, next.arn);
  const gate = strategyGate(ctx, next.digest);
  const outcome = await waitForDeployment(ctx, next.arn, 120, 'Waiting', gate, after);
  return { outcome, phases, before, next };
}

describe('strategy gate over the local world', () => {
  it('lets a healthy canary finish: 10 % of production on the new revision first, then all of it', async () => {
    const { outcome, phases } = await rollOut(
      {
        strategy: 'canary',
        bakeMinutes: 0,
        canary: { percent: 10, bakeMinutes: 2 },
        testTraffic: { header: TEST_HEADER },
      },
      false,
    );
    expect(outcome).toEqual({ ok: true });
    // The canary bakes 2 local minutes (3 s): every look at it carries one deadline for the phase, 3 s
    // after the first look that saw it; the final stages have no timer of ours (bakeMinutes 0 is none).
    const canaryLooks = phases.filter((p) => p.phase === 'canary 10 %');
    expect(canaryLooks.length).toBeGreaterThan(1);
    expect(new Set(canaryLooks.map((look) => look.phaseEndsAt)).size).toBe(1);
    expect(Date.parse(canaryLooks[0]?.phaseEndsAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(canaryLooks.at(-1)?.newAnswers).toBeGreaterThan(0);
    const traffic = world.traffic('actors');
    // The last deployment finished on one group with all production traffic.
    expect(Object.values(traffic.productionWeights)).toEqual([100]);
  }, 120_000);

  it('stops a canary whose new revision answers 500 with ROLLBACK: production back on the old revision', async () => {
    const { outcome, before } = await rollOut(
      {
        strategy: 'canary',
        bakeMinutes: 0,
        canary: { percent: 10, bakeMinutes: 2 },
        testTraffic: { header: TEST_HEADER },
      },
      true,
    );
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'StrategyProbeFailed',
      message: expect.stringContaining('HTTP 500'),
      movedOn: before,
    });
    const live = await ecs.describeService('gitops', 'actors', AbortSignal.timeout(10_000));
    expect(live.taskDefinitionArn).toBe(before);
  }, 120_000);

  it('holds a blue/green at test traffic until the green revision answered through the header, then lets it finish', async () => {
    const users = productionClient();
    const { outcome, phases, next } = await rollOut(
      { strategy: 'blue-green', bakeMinutes: 0, testTraffic: { header: TEST_HEADER } },
      false,
    ).finally(users.stop);
    expect(outcome).toEqual({ ok: true });
    // Released by the look that counted the third good answer through the header.
    const held = phases.filter((p) => p.phase === 'test traffic (held)');
    expect(held.at(-1)?.newAnswers).toBeGreaterThanOrEqual(3);
    const live = await ecs.describeService('gitops', 'actors', AbortSignal.timeout(10_000));
    expect(live.taskDefinitionArn).toBe(next.arn);
  }, 120_000);

  it('rolls a blue/green back at the hold when green fails its test probe: production never reaches green', async () => {
    const users = productionClient();
    const { outcome, before } = await rollOut(
      { strategy: 'blue-green', bakeMinutes: 0, testTraffic: { header: TEST_HEADER } },
      true,
    ).finally(users.stop);
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'StrategyProbeFailed',
      // Caught at the hold (post test traffic shift: ContinueServiceDeployment ROLLBACK) or, when a look
      // lands while ECS still shifts test traffic, just before it (StopServiceDeployment): either way the
      // production counters below must show green never served a user.
      message: expect.stringMatching(/^(post )?test traffic shift: .*HTTP 500/),
      movedOn: before,
    });
    const groups = Object.values(world.traffic('actors').targetGroups);
    const green = groups.filter((group) => group.test > 0);
    expect(green).toHaveLength(1);
    expect(green[0]?.production).toBe(0);
    // Users were served all along, by blue.
    expect(groups.reduce((sum, group) => sum + group.production, 0)).toBeGreaterThan(0);
    const live = await ecs.describeService('gitops', 'actors', AbortSignal.timeout(10_000));
    expect(live.taskDefinitionArn).toBe(before);
  }, 120_000);
});
