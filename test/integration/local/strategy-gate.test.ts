// The strategy gate over the local world with the production adapters: the deployer's update step sends
// the canary or blue/green configuration, ECS (the stand-in) shifts traffic between two target groups,
// and the gate reads the lifecycle stage, probes the new revision and, when it answers badly, stops the
// deployment with ROLLBACK. Canary that passes: the split is seen at the load balancer, then 100 %.
// Canary that fails: traffic back on the old revision, reason StrategyProbeFailed. (Blue/green's test
// traffic passes in one look when no lifecycle hook holds it: gating it needs a PAUSE hook at
// POST_TEST_TRAFFIC_SHIFT, not built yet.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { EcsAdapter } from '../../../deployer/adapters/aws/ecs-adapter.ts';
import { HttpVerifyProbe } from '../../../deployer/adapters/http/verify-probe.ts';
import { SystemClock } from '../../../deployer/adapters/system-clock.ts';
import type { StrategyProgress } from '../../../deployer/contract/status-model.ts';
import type { StrategySettings } from '../../../deployer/domain/rollout-strategy.ts';
import type { RolloutContext } from '../../../deployer/runtime/rollout/rollout-context.ts';
import { strategyGate } from '../../../deployer/runtime/rollout/strategy-gate.ts';
import { updateService } from '../../../deployer/runtime/rollout/update.ts';
import { waitForDeployment } from '../../../deployer/runtime/rollout/wait.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { actorsServiceConfig, FakeCdn, silentLogger } from '../../support/fakes/index.ts';
import { echoWorldOptions, FAST_TIMING, registerActorsRevision } from './helpers.ts';

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

/** Update + wait with the gate, as deploy.ts runs them; returns the outcome and every phase the gate saw. */
async function rollOut(strategy: StrategySettings, bad: boolean) {
  const before = (await ecs.describeService('gitops', 'actors', AbortSignal.timeout(10_000)))
    .taskDefinitionArn;
  const next = await register(bad);
  const phases: StrategyProgress[] = [];
  const ctx: RolloutContext = {
    service: actorsServiceConfig({
      rollout: { timeoutSeconds: 120, rollback: true, strategy },
      verify: {
        url: `${world.serviceUrl('actors')}/version`,
        expectVersion: true,
        successes: 3,
        intervalSeconds: 0.2,
        timeoutSeconds: 60,
      },
    }),
    ecs,
    cdn: new FakeCdn(),
    probe: new HttpVerifyProbe({ allowPrivateNetworks: true }),
    clock: new SystemClock(),
    log: silentLogger,
    signal: AbortSignal.timeout(110_000),
    waitPollMs: 500,
    consoleLinks: false,
    onStep: () => undefined,
    onObserved: () => undefined,
    onVerifyProgress: () => undefined,
    onStrategyProgress: (progress) => phases.push(progress),
  };
  world.resetTraffic('actors');
  await updateService(ctx, next.arn);
  const outcome = await waitForDeployment(ctx, next.arn, 120, 'Waiting', strategyGate(ctx, next.digest));
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
    expect(phases.map((p) => p.phase)).toContain('canary 10 %');
    const canaryLooks = phases.filter((p) => p.phase === 'canary 10 %');
    expect(canaryLooks.at(-1)?.newAnswers).toBeGreaterThan(0);
    const traffic = world.traffic('actors');
    // The last deployment finished on one group with all production traffic.
    expect(Object.values(traffic.productionWeights)).toEqual([100]);
  }, 120_000);

  it('stops a canary whose new revision answers 500 with ROLLBACK: production back on the old revision', async () => {
    const { outcome, before } = await rollOut(
      { strategy: 'canary', bakeMinutes: 0, canary: { percent: 10, bakeMinutes: 2 } },
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
});
