// Issue 18 items 4 and 5 on the fakes: a failed deployment is explained by its stopped tasks (stop
// reason, exit code, last log lines, console links in aws mode), and verification publishes its
// progress after every probe. The reconcile-level test checks both reach the status.
import { describe, expect, it } from 'vitest';
import type { VerifyProgress } from '../../../deployer/contract/status-model.ts';
import { REVISION_TAG_KEYS } from '../../../deployer/domain/revision-tags.ts';
import type { ServiceConfig, TaskDefinition } from '../../../deployer/domain/types.ts';
import type { TaskLogsPort } from '../../../deployer/ports.ts';
import { explainFailure } from '../../../deployer/runtime/rollout/explain-failure.ts';
import type { RolloutContext } from '../../../deployer/runtime/rollout/rollout-context.ts';
import { verifyRollout } from '../../../deployer/runtime/rollout/verify.ts';
import {
  actorsServiceConfig,
  FakeClock,
  FakeEcs,
  type FakeProbe,
  serviceYaml,
} from '../../support/fakes/index.ts';
import { fakeRolloutContext } from '../../support/rollout-context.ts';
import { fakeWorld } from '../runtime/harness.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OLD = `sha256:${'b'.repeat(64)}`;

const service = actorsServiceConfig({
  verify: {
    url: 'http://x/version',
    expectVersion: true,
    successes: 2,
    intervalSeconds: 5,
    timeoutSeconds: 20,
  },
  rollout: { timeoutSeconds: 10, rollback: true },
});

/** Log streams by `group stream`, as CloudWatch Logs would hold them. */
class StreamLogs implements TaskLogsPort {
  readonly streams = new Map<string, string[]>();
  readonly asked: string[] = [];
  async lastLines(group: string, stream: string, limit: number): Promise<string[]> {
    this.asked.push(`${group} ${stream}`);
    return (this.streams.get(`${group} ${stream}`) ?? []).slice(-limit);
  }
}

function context(overrides: Partial<RolloutContext> = {}) {
  const clock = new FakeClock();
  const ecs = new FakeEcs(clock);
  const progress: VerifyProgress[] = [];
  const ctx = fakeRolloutContext(ecs, clock, {
    service,
    onVerifyProgress: (p) => progress.push(p),
    ...overrides,
  });
  return { ctx, ecs, clock, progress };
}

/**
 * A revision rolled out and failed by the fake ECS (its tasks stopped); its container logs with awslogs
 * unless `awslogs` is false.
 */
async function failedRevision(ecs: FakeEcs, { awslogs = true } = {}): Promise<string> {
  const seeded = ecs.seed({ service: 'actors', image: 'actors:1' });
  const { taskDefinition } = await ecs.describeTaskDefinition(seeded);
  const next: TaskDefinition = awslogs
    ? {
        ...taskDefinition,
        containerDefinitions: taskDefinition.containerDefinitions.map((c) => ({
          ...c,
          image: 'actors:2',
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/ecs/actors',
              'awslogs-stream-prefix': 'web',
              'awslogs-region': 'eu-west-1',
            },
          },
        })),
      }
    : taskDefinition;
  const arn = await ecs.registerTaskDefinition(next, {});
  ecs.behaviour = (candidate) => (candidate === arn ? 'fail' : 'complete');
  await ecs.updateService('gitops', 'actors', arn);
  while (
    (await ecs.describeService('gitops', 'actors')).deployments.some((d) => d.rolloutState === 'IN_PROGRESS')
  );
  return arn;
}

/** Why the rollout to `arn` failed, as the reconciler asks after ECS's circuit breaker stopped it. */
const explainDeploymentFailed = (ctx: RolloutContext, arn: string) =>
  explainFailure(ctx, {
    rolloutId: 'ro-1',
    digest: DIGEST,
    reason: 'DeploymentFailed',
    taskDefinitionArn: arn,
  });

describe('explainFailure', () => {
  it('explainFailure reports each stopped task with its exit code and the last lines of its awslogs stream', async () => {
    const logs = new StreamLogs();
    const { ctx, ecs } = context({ logs });
    const arn = await failedRevision(ecs);
    const [first] = await ecs.stoppedTasks('gitops', 'actors', arn);
    const taskId = first?.taskArn.slice(first.taskArn.lastIndexOf('/') + 1) ?? '';
    logs.streams.set(`/ecs/actors web/actors/${taskId}`, ['starting', 'Error: DATABASE_URL is not set']);

    const explained = await explainDeploymentFailed(ctx, arn);

    expect(explained.stoppedTasks).toHaveLength(2);
    expect(explained.stoppedTasks[0]).toMatchObject({
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited',
      containers: [{ name: 'actors', exitCode: 1 }],
    });
    const withLines = explained.stoppedTasks.find((t) => t.taskId === taskId);
    expect(withLines?.logLines).toEqual(['starting', 'Error: DATABASE_URL is not set']);
    expect(withLines?.logs).toEqual({ group: '/ecs/actors', stream: `web/actors/${taskId}` });
    expect(withLines?.url).toBeUndefined();
    expect(explained.notes).toEqual([]);
  });

  it('explainFailure adds console links in aws mode, from the region of the ARNs', async () => {
    const { ctx, ecs } = context({ logs: new StreamLogs(), consoleLinks: true });
    const arn = await failedRevision(ecs);
    const explained = await explainDeploymentFailed(ctx, arn);
    expect(explained.deploymentsUrl).toBe(
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/gitops/services/actors/deployments?region=eu-west-1',
    );
    const task = explained.stoppedTasks[0];
    expect(task?.url).toBe(
      `https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/gitops/tasks/${task?.taskId}/configuration?region=eu-west-1`,
    );
    expect(task?.logs?.url).toBe(
      `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Factors/log-events/web$252Factors$252F${task?.taskId}`,
    );
  });

  it('explainFailure turns what it cannot read into notes, never into a failure', async () => {
    const denied: TaskLogsPort = {
      lastLines: async () => {
        throw new Error('logs:GetLogEvents failed: AccessDeniedException: not authorized');
      },
    };
    const { ctx, ecs } = context({ logs: denied });
    const arn = await failedRevision(ecs);
    const explained = await explainDeploymentFailed(ctx, arn);
    expect(explained.stoppedTasks.map((t) => t.logLines)).toEqual([[], []]);
    expect(explained.notes).toContainEqual(expect.stringContaining('AccessDeniedException'));
  });

  it('explainFailure notes a container without an awslogs stream prefix', async () => {
    const { ctx, ecs } = context({ logs: new StreamLogs() });
    const arn = await failedRevision(ecs, { awslogs: false });
    const explained = await explainDeploymentFailed(ctx, arn);
    expect(explained.stoppedTasks).toHaveLength(2);
    expect(explained.notes).toContainEqual(expect.stringContaining('no awslogs log configuration'));
  });
});

describe('verifyRollout progress', () => {
  it('verifyRollout reports probe n of m, the streak, the last answer and which digest answered', async () => {
    const { ctx, clock, progress } = context();
    const answers = [
      { status: 503, body: undefined },
      { status: 200, body: { digest: OLD } },
      { status: 200, body: { digest: DIGEST } },
      { status: 200, body: { digest: DIGEST } },
    ];
    let probes = 0;
    (ctx.probe as FakeProbe).answer = () => answers[Math.min(probes++, answers.length - 1)] ?? answers[0]!;
    const start = clock.now().getTime();

    expect(await verifyRollout(ctx, service.verify as NonNullable<ServiceConfig['verify']>, DIGEST)).toEqual({
      ok: true,
    });

    expect(progress.map((p) => [p.probe, p.streak, p.lastStatus, p.lastDigest, p.lastAnswer])).toEqual([
      [1, 0, 503, undefined, 'HTTP 503'],
      [2, 0, 200, OLD, 'reported digest sha256:bbbbbbbbbbbb'],
      [3, 1, 200, DIGEST, 'HTTP 200, reports the new digest'],
      [4, 2, 200, DIGEST, 'HTTP 200, reports the new digest'],
    ]);
    // 20 s at a 5 s interval: probes at 0, 5, 10, 15 and 20 s.
    expect(progress.every((p) => p.maxProbes === 5 && p.successesNeeded === 2)).toBe(true);
    expect(progress[0]).toMatchObject({
      url: 'http://x/version',
      expectedDigest: DIGEST,
      deadline: new Date(start + 20_000).toISOString(),
    });
  });

  it('verifyRollout reports a transport failure without a status or digest', async () => {
    const { ctx, progress } = context();
    (ctx.probe as FakeProbe).answer = () => {
      throw new Error('probe of http://x/version failed: connection refused');
    };
    const outcome = await verifyRollout(ctx, service.verify as NonNullable<ServiceConfig['verify']>, DIGEST);
    expect(outcome).toMatchObject({ ok: false, reason: 'VerifyTimeout' });
    expect(outcome.ok === false && outcome.message).toContain('5 probes');
    expect(progress.at(-1)).toMatchObject({ probe: 5, maxProbes: 5, streak: 0 });
    expect(progress.at(-1)?.lastStatus).toBeUndefined();
    expect(progress.at(-1)?.lastAnswer).toContain('connection refused');
  });
});

/** Reconciled on 1.0.0, then a push of 1.2.0 whose deployment ECS fails (its tasks stop). */
async function afterBrokenPush() {
  const world = fakeWorld();
  await world.reconcile();
  const broken = world.registry.push('actors', '1.2.0');
  world.ecs.behaviour = (arn) =>
    world.ecs.revisions.get(arn)?.tags[REVISION_TAG_KEYS.digest] === broken ? 'fail' : 'complete';
  await world.reconcile();
  return { world, broken };
}

describe('reconcile', () => {
  it('reconcile of a deployment ECS failed puts the stopped tasks into the status and the message', async () => {
    const { world, broken } = await afterBrokenPush();

    const status = world.store.service('actors');
    expect(status?.sync.message).toMatch(
      /tasks failed to start; rolled back to .*; task \w{8}: Essential container in task exited \(actors exit code 1\)$/,
    );
    expect(status?.lastFailure).toMatchObject({ reason: 'DeploymentFailed', digest: broken });
    expect(status?.lastFailure?.stoppedTasks[0]?.containers).toEqual([{ name: 'actors', exitCode: 1 }]);

    // A later successful rollout clears it.
    world.registry.push('actors', '1.3.0');
    await world.reconcile();
    expect(world.store.service('actors')?.sync.state).toBe('Synced');
    expect(world.store.service('actors')?.lastFailure).toBeUndefined();
  });

  it('reconcile of a blocked digest says what retries it, and a verify.url change does not (issue 18 item 7)', async () => {
    const { world } = await afterBrokenPush();
    const registrations = world.ecs.calls.register;

    const fixedUrl = serviceYaml({});
    world.setConfig(
      [{ ...fixedUrl, text: fixedUrl.text.replace('http://actors.test/version', 'http://actors.test/v2') }],
      'rev-2',
    );
    await world.reconcile();

    expect(world.ecs.calls.register).toBe(registrations);
    expect(world.store.service('actors')?.sync).toMatchObject({
      state: 'Failed',
      reason: 'DigestBlocked',
      message: expect.stringContaining(
        'push a new image (a new digest) or run `npx ecs-gitops sync actors` to retry it; a config change that keeps this digest does not retry it',
      ),
    });
    await world.reconcile({ force: true });
    expect(world.ecs.calls.register).toBe(registrations + 1);
  });
});
