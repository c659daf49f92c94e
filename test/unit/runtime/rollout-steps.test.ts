import { describe, expect, it } from 'vitest';
import type { RolloutStep } from '../../../deployer/contract/status-model.ts';
import type { LiveDeployment, LiveService, ServiceConfig } from '../../../deployer/domain/types.ts';
import type { EcsPort } from '../../../deployer/ports.ts';
import type { RolloutContext } from '../../../deployer/runtime/rollout/rollout-context.ts';
import { verifyRollout } from '../../../deployer/runtime/rollout/verify.ts';
import { waitForDeployment } from '../../../deployer/runtime/rollout/wait.ts';
import {
  actorsServiceConfig,
  FakeCdn,
  FakeClock,
  FakeEcs,
  FakeProbe,
  silentLogger,
} from '../../support/fakes/index.ts';

const OURS = 'arn:aws:ecs:eu-west-1:1:task-definition/actors:2';
const OLD = 'arn:aws:ecs:eu-west-1:1:task-definition/actors:1';
const DIGEST = `sha256:${'a'.repeat(64)}`;

const service = actorsServiceConfig({
  verify: {
    url: 'http://x/version',
    expectVersion: true,
    successes: 3,
    intervalSeconds: 2,
    timeoutSeconds: 20,
  },
  rollout: { timeoutSeconds: 10, rollback: true },
});

function deployment(
  arn: string,
  status: LiveDeployment['status'],
  state?: LiveDeployment['rolloutState'],
): LiveDeployment {
  return {
    id: `d-${arn.slice(-1)}-${status}`,
    status,
    taskDefinitionArn: arn,
    ...(state ? { rolloutState: state } : {}),
    desiredCount: 1,
    runningCount: state === 'COMPLETED' || state === undefined ? 1 : 0,
    failedTasks: 0,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}

/** ECS answers describeService from a script, one answer per poll (the last one repeats). */
function context(answers: LiveDeployment[][], probeAnswers: { status: number; body: unknown }[] = []) {
  const clock = new FakeClock();
  const steps: RolloutStep[] = [];
  let poll = 0;
  const ecs = new FakeEcs(clock);
  ecs.describeService = async (): Promise<LiveService> => {
    const deployments = answers[Math.min(poll++, answers.length - 1)] ?? [];
    return {
      cluster: 'gitops',
      service: 'actors',
      status: 'ACTIVE',
      desiredCount: 1,
      runningCount: 1,
      pendingCount: 0,
      taskDefinitionArn: deployments.find((d) => d.status === 'PRIMARY')?.taskDefinitionArn ?? '',
      deployments,
      events: [],
    };
  };
  const probe = new FakeProbe(ecs);
  let probes = 0;
  probe.answer = () => probeAnswers[Math.min(probes++, probeAnswers.length - 1)] ?? { status: 200, body: {} };
  const ctx: RolloutContext = {
    service,
    ecs: ecs as EcsPort,
    cdn: new FakeCdn(),
    probe,
    clock,
    log: silentLogger,
    signal: new AbortController().signal,
    waitPollMs: 1000,
    onStep: (step) => steps.push(step),
    onObserved: () => undefined,
    consoleLinks: false,
    onVerifyProgress: () => undefined,
  };
  return { ctx, clock, steps, polls: () => poll };
}

// Which verdict a deployment list earns is judgeDeployment's (test/unit/domain/judge-deployment.test.ts);
// here: the step polls until a verdict, and hands it on.
describe('waitForDeployment', () => {
  it.each([
    [
      'IN_PROGRESS, then COMPLETED',
      [
        [deployment(OURS, 'PRIMARY', 'IN_PROGRESS'), deployment(OLD, 'ACTIVE', 'COMPLETED')],
        [deployment(OURS, 'PRIMARY', 'COMPLETED')],
      ],
      { ok: true },
    ],
    [
      'FAILED with ECS rolling back',
      [
        [
          deployment(OLD, 'PRIMARY', 'IN_PROGRESS'),
          { ...deployment(OURS, 'ACTIVE', 'FAILED'), rolloutStateReason: 'tasks failed to start' },
        ],
      ],
      { ok: false, reason: 'DeploymentFailed', message: 'tasks failed to start', movedOn: OLD },
    ],
    [
      'gone after it was seen',
      [[deployment(OURS, 'PRIMARY', 'IN_PROGRESS')], [deployment(OLD, 'PRIMARY', 'COMPLETED')]],
      { ok: false, reason: 'DeploymentReplaced', movedOn: OLD },
    ],
    [
      'never finishing',
      [[deployment(OURS, 'PRIMARY', 'IN_PROGRESS')]],
      { ok: false, reason: 'RolloutTimeout' },
    ],
  ] as const)('waitForDeployment: %s', async (_, answers, expected) => {
    const { ctx } = context(answers.map((a) => [...a]));
    expect(await waitForDeployment(ctx, OURS, 10)).toMatchObject(expected);
  });

  it('waitForDeployment keeps polling while our deployment has not appeared yet', async () => {
    const { ctx, polls } = context([
      [deployment(OLD, 'PRIMARY', 'COMPLETED')],
      [deployment(OURS, 'PRIMARY', 'COMPLETED')],
    ]);
    expect(await waitForDeployment(ctx, OURS, 10)).toEqual({ ok: true });
    expect(polls()).toBe(2);
  });

  it('waitForDeployment ends at once when the strategy gate stopped a deployment no look ever saw', async () => {
    // Resumed without UpdateService's answer (e.g. after a restart): the gate's first probe already
    // failed and ECS dropped the green deployment before the first describe. Before, the wait never saw
    // "its" deployment and ran into RolloutTimeout instead of the probe failure.
    const { ctx, polls } = context([[deployment(OLD, 'PRIMARY', 'COMPLETED')]]);
    const gate = { pollMs: 1000, check: async () => 'test traffic shift: /version answered 500' };
    expect(await waitForDeployment(ctx, OURS, 10, 'Waiting', gate)).toEqual({
      ok: false,
      reason: 'StrategyProbeFailed',
      message: 'test traffic shift: /version answered 500',
      movedOn: OLD,
    });
    expect(polls()).toBe(1);
  });

  it('waitForDeployment times out after timeoutSeconds of virtual time', async () => {
    const { ctx, clock } = context([[deployment(OURS, 'PRIMARY', 'IN_PROGRESS')]]);
    const start = clock.now().getTime();
    await waitForDeployment(ctx, OURS, 10);
    expect(clock.now().getTime() - start).toBe(10_000);
  });
});

describe('verifyRollout', () => {
  const good = { status: 200, body: { digest: DIGEST } };
  it.each([
    ['three good answers', [good], { ok: true }],
    [
      'a blip that resets the streak, then three good',
      [good, good, { status: 502, body: undefined }, good],
      { ok: true },
    ],
    [
      'the old version only',
      [{ status: 200, body: { digest: 'sha256:old' } }],
      { ok: false, reason: 'VerifyWrongVersion' },
    ],
    ['errors only', [{ status: 503, body: undefined }], { ok: false, reason: 'VerifyTimeout' }],
    ['no JSON body', [{ status: 200, body: undefined }], { ok: false, reason: 'VerifyWrongVersion' }],
  ] as const)('verifyRollout: %s', async (_, answers, expected) => {
    const { ctx, steps } = context([], [...answers]);
    expect(
      await verifyRollout(ctx, service.verify as NonNullable<ServiceConfig['verify']>, DIGEST),
    ).toMatchObject(expected);
    expect(steps).toEqual(['Verifying']);
  });

  it('verifyRollout without expectVersion accepts any 200', async () => {
    const { ctx } = context([], [{ status: 200, body: 'not json' }]);
    const verify = { ...(service.verify as NonNullable<ServiceConfig['verify']>), expectVersion: false };
    expect(await verifyRollout(ctx, verify, DIGEST)).toEqual({ ok: true });
  });

  it('verifyRollout names what it last saw in the failure message', async () => {
    const { ctx } = context([], [{ status: 200, body: { digest: `sha256:${'b'.repeat(64)}` } }]);
    const outcome = await verifyRollout(ctx, service.verify as NonNullable<ServiceConfig['verify']>, DIGEST);
    expect(outcome).toMatchObject({
      ok: false,
      message: expect.stringContaining(`last: reported digest sha256:bbbbbbbbbbbb`),
    });
  });
});
