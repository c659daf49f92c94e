// ECS, ECR and CloudFront adapters against the local AWS stand-ins (real servers on loopback,
// speaking the AWS wire protocols), reached the way production does: AWS_ENDPOINT_URL_* env vars.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { CloudFrontAdapter } from '../../../deployer/adapters/aws/cloudfront-adapter.ts';
import { EcrAdapter } from '../../../deployer/adapters/aws/ecr-adapter.ts';
import { EcsAdapter } from '../../../deployer/adapters/aws/ecs-adapter.ts';
import type { DeployerError } from '../../../deployer/domain/errors.ts';
import type { TaskDefinition } from '../../../deployer/domain/types.ts';
import { ECHO_TASK_COMMAND } from '../../../local/task-commands.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';

let world: LocalWorld;
let clients: AwsClients;
const signal = new AbortController().signal;
const savedEnv = { ...process.env };

beforeAll(async () => {
  world = await startLocalWorld({
    logger: pino({ level: 'silent' }),
    taskCommands: { actors: ECHO_TASK_COMMAND },
    timing: { tickMs: 50, healthPollMs: 50, invalidationMs: 300, stopGraceMs: 500 },
  });
  Object.assign(process.env, world.env());
  clients = createAwsClients({ maxAttempts: 2 });
}, 30_000);

afterAll(async () => {
  clients?.destroy();
  await world?.stop();
  process.env = savedEnv;
});

async function until<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('EcsAdapter against the ECS stand-in', () => {
  it('register (tagged) → update → describe reaches COMPLETED on our task definition', async () => {
    const ecs = new EcsAdapter(clients.ecs);
    const live = await ecs.describeService('gitops', 'actors', signal);
    expect(live.deployments.find((d) => d.status === 'PRIMARY')?.rolloutState).toBe('COMPLETED');
    const current = await ecs.describeTaskDefinition(live.taskDefinitionArn, signal);
    expect(current.taskDefinition.family).toBe('actors');

    const pushed = await world.push('actors', '1.1.0');
    const image = pushed.imageUri.includes('@')
      ? pushed.imageUri
      : `${pushed.imageUri.split(':')[0]}@${pushed.digest}`;
    const next: TaskDefinition = {
      ...current.taskDefinition,
      containerDefinitions: current.taskDefinition.containerDefinitions.map((c) => ({
        ...c,
        image,
        environment: [{ name: 'DEPLOY_IMAGE_DIGEST', value: pushed.digest }],
      })),
    };
    const tags = { 'ecs-gitops:rollout': 'r-123', 'ecs-gitops:digest': pushed.digest };
    const arn = await ecs.registerTaskDefinition(next, tags, signal);
    expect(arn).not.toBe(live.taskDefinitionArn);
    expect((await ecs.describeTaskDefinition(arn, signal)).tags).toEqual(tags);

    await ecs.updateService('gitops', 'actors', arn, signal);
    const after = await until(
      () => ecs.describeService('gitops', 'actors', signal),
      (s) =>
        s.deployments.some(
          (d) => d.status === 'PRIMARY' && d.taskDefinitionArn === arn && d.rolloutState !== 'IN_PROGRESS',
        ),
    );
    const primary = after.deployments.find((d) => d.status === 'PRIMARY');
    expect(after.taskDefinitionArn).toBe(arn);
    expect(primary?.rolloutState).toBe('COMPLETED');
    expect(primary?.runningCount).toBe(1);
    expect(after.events.length).toBeGreaterThan(0);
  });

  it('listTaskDefinitions pages through every revision of the family, newest first', async () => {
    const ecs = new EcsAdapter(clients.ecs, { listPageSize: 2 });
    const { taskDefinition } = await ecs.describeTaskDefinition('actors', signal);
    const registered: string[] = [];
    for (let i = 0; i < 3; i++) registered.push(await ecs.registerTaskDefinition(taskDefinition, {}, signal));
    const arns = await ecs.listTaskDefinitions('actors', signal);
    const revisions = arns.map((arn) => Number(arn.split(':').at(-1)));
    expect(arns.slice(0, 3)).toEqual([...registered].reverse());
    expect(revisions).toEqual([...revisions].sort((a, b) => b - a));
    expect(new Set(revisions).size).toBe(revisions.length);
    expect(revisions.at(-1)).toBe(1);
  });

  it.each([
    { cluster: 'gitops', service: 'missing' },
    { cluster: 'nope', service: 'actors' },
  ])(
    'describeService($cluster/$service) fails with terminal SERVICE_NOT_FOUND',
    async ({ cluster, service }) => {
      const error = (await new EcsAdapter(clients.ecs)
        .describeService(cluster, service, signal)
        .catch((e: unknown) => e)) as DeployerError;
      expect(error.code).toBe('SERVICE_NOT_FOUND');
      expect(error.retryable).toBe(false);
    },
  );
});

describe('EcrAdapter against the ECR stand-in', () => {
  it('listImages pages through every image with its tags and digest', async () => {
    const ecr = new EcrAdapter(clients.ecr, { pageSize: 2 });
    const a = await world.push('actors', '2.0.0');
    const b = await world.push('actors', '2.1.0');
    const images = await ecr.listImages('actors', signal);
    const byDigest = new Map(images.map((image) => [image.digest, image]));
    expect(byDigest.get(a.digest)?.tags).toContain('2.0.0');
    expect(byDigest.get(b.digest)?.tags).toContain('2.1.0');
    expect(images.some((image) => image.tags.includes('1.0.0'))).toBe(true);
    expect(images.length).toBe(world.registry.repositories().find((r) => r.name === 'actors')?.images.length);
    expect(byDigest.get(b.digest)?.pushedAt).toBeInstanceOf(Date);
  });

  it('repositoryUri resolves a name once and passes a full URI through', async () => {
    const ecr = new EcrAdapter(clients.ecr);
    const uri = await ecr.repositoryUri('actors', signal);
    expect(uri).toBe(world.registry.repositories().find((r) => r.name === 'actors')?.uri);
    expect(await ecr.repositoryUri(uri, signal)).toBe(uri);
    expect((await ecr.listImages(uri, signal)).length).toBeGreaterThan(0);
  });

  it('listImages of an unknown repository fails with terminal IMAGE_NOT_FOUND', async () => {
    const error = (await new EcrAdapter(clients.ecr)
      .listImages('does-not-exist', signal)
      .catch((e: unknown) => e)) as DeployerError;
    expect(error.code).toBe('IMAGE_NOT_FOUND');
    expect(error.retryable).toBe(false);
  });
});

describe('CloudFrontAdapter against the CloudFront stand-in', () => {
  it('createInvalidation is idempotent by CallerReference and completes', async () => {
    const cdn = new CloudFrontAdapter(await clients.cloudfront.get());
    const first = await cdn.createInvalidation('E2EXAMPLE12345', ['/*'], 'rollout-abc', signal);
    expect(first.status).toBe('InProgress');
    const repeat = await cdn.createInvalidation('E2EXAMPLE12345', ['/*'], 'rollout-abc', signal);
    const otherPaths = await cdn.createInvalidation('E2EXAMPLE12345', ['/index.html'], 'rollout-abc', signal);
    expect(repeat.id).toBe(first.id);
    expect(otherPaths.id).toBe(first.id);
    expect(world.invalidations().filter((i) => i.callerReference === 'rollout-abc')).toHaveLength(1);
    const done = await until(
      () => cdn.getInvalidation('E2EXAMPLE12345', first.id, signal),
      (s) => s.status === 'Completed',
      5_000,
    );
    expect(done).toEqual({ id: first.id, status: 'Completed' });
  });

  it('a different CallerReference creates a second invalidation', async () => {
    const cdn = new CloudFrontAdapter(await clients.cloudfront.get());
    const a = await cdn.createInvalidation('E2EXAMPLE12345', ['/*'], 'rollout-x', signal);
    const b = await cdn.createInvalidation('E2EXAMPLE12345', ['/*'], 'rollout-y', signal);
    expect(a.id).not.toBe(b.id);
  });
});
