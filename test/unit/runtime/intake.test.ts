import { describe, expect, it } from 'vitest';
import type { ConfigFile, QueueMessage } from '../../../deployer/domain/types.ts';
import { Intake } from '../../../deployer/runtime/intake.ts';
import { createMetrics } from '../../../deployer/runtime/metrics.ts';
import { StatusStore } from '../../../deployer/runtime/status-store.ts';
import {
  FakeClock,
  FakeConfigSource,
  FakeQueue,
  serviceYaml,
  silentLogger,
} from '../../support/fakes/index.ts';

const signal = new AbortController().signal;
const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

/** Git sources return paths inside the repository: `config/services/<name>.yaml`. */
const inRepo = (file: ConfigFile): ConfigFile => ({ ...file, path: `config/${file.path}` });

function setup(
  files: ConfigFile[] = [inRepo(serviceYaml({}))],
  added: string[][] = [],
  stackValues: Record<string, string> = {},
) {
  const clock = new FakeClock();
  const source = new FakeConfigSource();
  source.commit(SHA_A, files);
  const queue = new FakeQueue();
  const store = new StatusStore({ mode: 'aws', version: 'test', clock });
  const intake = new Intake({
    configSource: source,
    queue,
    store,
    metrics: createMetrics({ defaultMetrics: false }),
    clock,
    logger: silentLogger,
    configPrefix: 'config/',
    stackValues,
    onServicesAdded: async (services) => {
      added.push(services.map((service) => service.name));
    },
  });
  return { source, queue, store, intake };
}

type GitPush = Extract<QueueMessage, { kind: 'git-push' }>;
const push = (after: string, extra: Partial<GitPush> = {}): GitPush => ({
  kind: 'git-push',
  deliveryId: `d-${after.slice(0, 4)}`,
  after,
  ...extra,
});

describe('Intake', () => {
  it('resolves stack value placeholders with its values and rejects a name it does not have', async () => {
    const text = (name: string) =>
      `name: actors\ncluster: gitops\nservice: actors\ncontainer: actors\nimage:\n  repository: actors\ncdn:\n  distributionId: \${stack:${name}}\n`;
    const file = (name: string) => inRepo({ path: 'services/actors.yaml', text: text(name) });
    const resolved = setup([file('DistributionId')], [], { DistributionId: 'E2EXAMPLE' });
    expect(await resolved.intake.loadHead(signal)).toBe('applied');
    expect(resolved.intake.current()?.services[0]?.cdn?.distributionId).toBe('E2EXAMPLE');
    const unknown = setup([file('Distribution')], [], { DistributionId: 'E2EXAMPLE' });
    expect(await unknown.intake.loadHead(signal)).toBe('rejected');
    expect(unknown.store.snapshot().config.errors).toEqual([
      expect.objectContaining({ file: 'config/services/actors.yaml', line: 8, column: 19 }),
    ]);
  });

  it('loadHead applies a valid config: services in status, revision in force', async () => {
    const { intake, store } = setup();
    expect(await intake.loadHead(signal)).toBe('applied');
    expect(intake.current()?.services.map((s) => [s.name, s.source.file])).toEqual([
      ['actors', 'config/services/actors.yaml'],
    ]);
    expect(store.snapshot().config).toEqual({
      revision: SHA_A,
      lastAppliedRevision: SHA_A,
      lastAttemptedRevision: SHA_A,
      errors: [],
      headRevision: SHA_A,
      readAt: expect.any(String),
    });
    expect(store.names()).toEqual(['actors']);
    expect(await intake.loadHead(signal)).toBe('unchanged');
  });

  // Readiness asks intake (app.ts), not StatusStore.snapshot(), which copies every service's status.
  it('says when it last read the config source: never before the first read, then the read', async () => {
    const { intake, store } = setup();
    expect(intake.readAt()).toBeNull();
    await intake.loadHead(signal);
    expect(intake.readAt()).toBe(store.snapshot().config.readAt);
  });

  it('a git push touching config applies it and queues a reconcile per service', async () => {
    const { intake, source, queue } = setup();
    await intake.loadHead(signal);
    source.commit(SHA_B, [inRepo(serviceYaml({})), inRepo(serviceYaml({ name: 'web' }))]);
    await intake.gitPush(push(SHA_B), signal);
    expect(intake.current()?.revision).toBe(SHA_B);
    const trigger = { kind: 'git-push', commit: SHA_B };
    expect(queue.sent).toEqual([
      {
        kind: 'reconcile',
        service: 'actors',
        reason: `git push ${SHA_B.slice(0, 12)}`,
        configRevision: SHA_B,
        trigger,
      },
      {
        kind: 'reconcile',
        service: 'web',
        reason: `git push ${SHA_B.slice(0, 12)}`,
        configRevision: SHA_B,
        trigger,
      },
    ]);
  });

  it('a git push with an invalid config keeps the previous one and reports file:line errors', async () => {
    const { intake, source, queue, store } = setup();
    await intake.loadHead(signal);
    source.commit(SHA_B, [{ path: 'config/services/actors.yaml', text: 'name: actors\ncluster: [\n' }]);
    await intake.gitPush(push(SHA_B), signal);
    expect(intake.current()?.revision).toBe(SHA_A);
    expect(queue.sent).toEqual([]);
    const config = store.snapshot().config;
    expect(config).toMatchObject({
      revision: SHA_A,
      lastAppliedRevision: SHA_A,
      lastAttemptedRevision: SHA_B,
    });
    expect(config.errors[0]).toMatchObject({ file: 'config/services/actors.yaml', line: expect.any(Number) });
    expect(store.names()).toEqual(['actors']);
  });

  it('a push redelivered after a queue blip queues the reconciles the first attempt could not', async () => {
    const { intake, source, queue } = setup();
    await intake.loadHead(signal);
    source.commit(SHA_B, [inRepo(serviceYaml({ pin: '1.0.0' })), inRepo(serviceYaml({ name: 'web' }))]);
    // The fan-out goes out as one SendMessageBatch: the blip refuses it whole.
    queue.sendBatchFailures = 1;
    await expect(intake.gitPush(push(SHA_B), signal)).rejects.toThrow('Service is unavailable');
    await intake.gitPush(push(SHA_B), signal); // the queue delivers the push again
    expect(
      queue.sent.map((m) => (m.kind === 'reconcile' ? `${m.service}@${m.configRevision}` : m.kind)),
    ).toEqual([`actors@${SHA_B}`, `web@${SHA_B}`]);
    await intake.gitPush(push(SHA_B), signal); // done now: a third delivery is a repeat
    expect(queue.sent).toHaveLength(2);
  });

  it('a late push of an older commit applies the branch head, never the older config', async () => {
    const { intake, source, queue } = setup();
    await intake.loadHead(signal);
    const SHA_C = 'c'.repeat(40);
    source.commit(SHA_B, [inRepo(serviceYaml({ pin: '1.0.0' }))]);
    source.commit(SHA_C, [inRepo(serviceYaml({}))]);
    await intake.gitPush(push(SHA_C), signal);
    await intake.gitPush(push(SHA_B, { deliveryId: 'late' }), signal);
    expect(intake.current()?.revision).toBe(SHA_C);
    expect(queue.sent.map((m) => (m.kind === 'reconcile' ? m.configRevision : m.kind))).toEqual([SHA_C]);
  });

  it('services a later config adds are announced (for their rebuild from ECS); the first config is not', async () => {
    const added: string[][] = [];
    const { intake, source } = setup([inRepo(serviceYaml({}))], added);
    await intake.loadHead(signal);
    source.commit(SHA_B, [inRepo(serviceYaml({})), inRepo(serviceYaml({ name: 'web' }))]);
    await intake.gitPush(push(SHA_B), signal);
    expect(added).toEqual([['web']]);
  });

  it('a config that drops a service removes it from status', async () => {
    const { intake, source, store } = setup([inRepo(serviceYaml({})), inRepo(serviceYaml({ name: 'web' }))]);
    await intake.loadHead(signal);
    expect(store.names()).toEqual(['actors', 'web']);
    source.commit(SHA_B, [inRepo(serviceYaml({ name: 'web' }))]);
    await intake.gitPush(push(SHA_B), signal);
    expect(store.names()).toEqual(['web']);
  });

  it('an image push queues reconciles only for services of that repository', async () => {
    const { intake, queue } = setup([
      inRepo(serviceYaml({})),
      inRepo(
        serviceYaml({ name: 'web', repository: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web' }),
      ),
    ]);
    await intake.loadHead(signal);
    const digest = `sha256:${'c'.repeat(64)}`;
    await intake.imagePush(
      { kind: 'image-push', repository: 'team/web', digest, tag: '1.2.0', pushedAt: '' },
      signal,
    );
    expect(queue.sent.map((m) => (m.kind === 'reconcile' ? m.service : m.kind))).toEqual(['web']);
  });

  it('an image push of a tag no service of the repository tracks queues nothing', async () => {
    const { intake, queue } = setup([
      inRepo(serviceYaml({})), // semver ^1.0.0
      inRepo(serviceYaml({ name: 'pinned', repository: 'actors', pin: '1.0.0' })),
    ]);
    await intake.loadHead(signal);
    const digest = `sha256:${'c'.repeat(64)}`;
    for (const tag of ['build-41', '2.0.0', undefined])
      await intake.imagePush({ kind: 'image-push', repository: 'actors', digest, tag, pushedAt: '' }, signal);
    expect(queue.sent).toEqual([]);
    await intake.imagePush(
      { kind: 'image-push', repository: 'actors', digest, tag: '1.0.0', pushedAt: '' },
      signal,
    );
    expect(queue.sent.map((m) => (m.kind === 'reconcile' ? m.service : m.kind))).toEqual([
      'actors',
      'pinned',
    ]);
  });

  it('a resync reloads the head and reconciles every service', async () => {
    const { intake, source, queue } = setup();
    await intake.loadHead(signal);
    source.commit(SHA_B, [inRepo(serviceYaml({})), inRepo(serviceYaml({ name: 'web' }))]);
    await intake.resync({ kind: 'resync', reason: 'periodic t1' }, signal);
    expect(intake.current()?.revision).toBe(SHA_B);
    // The resync brought a new revision in: its rollouts are a config change, naming the commit.
    const trigger = { kind: 'config-change', commit: SHA_B };
    expect(queue.sent).toEqual([
      { kind: 'reconcile', service: 'actors', reason: 'resync: periodic t1', configRevision: SHA_B, trigger },
      { kind: 'reconcile', service: 'web', reason: 'resync: periodic t1', configRevision: SHA_B, trigger },
    ]);
  });

  it("a git push's author and message become the trigger of the reconciles it queues", async () => {
    const { intake, source, queue } = setup();
    await intake.loadHead(signal);
    source.commit(SHA_B, [inRepo(serviceYaml({}))]);
    await intake.gitPush(push(SHA_B, { author: 'Ada Lovelace', message: 'pin actors' }), signal);
    expect(queue.sent.map((m) => (m.kind === 'reconcile' ? m.trigger : undefined))).toEqual([
      { kind: 'git-push', commit: SHA_B, author: 'Ada Lovelace', message: 'pin actors' },
    ]);
  });

  it('a push whose branch moved on names only the head commit applied, not its author', async () => {
    const { intake, source, queue } = setup();
    await intake.loadHead(signal);
    source.commit(SHA_B, [inRepo(serviceYaml({}))]);
    await intake.gitPush(push('e'.repeat(40), { author: 'Someone Else', message: 'older' }), signal);
    expect(queue.sent.map((m) => (m.kind === 'reconcile' ? m.trigger : undefined))).toEqual([
      { kind: 'git-push', commit: SHA_B },
    ]);
  });

  it('a resync with nothing new is a resync; one that names its trigger keeps it', async () => {
    const { intake, queue } = setup();
    await intake.loadHead(signal);
    await intake.resync({ kind: 'resync', reason: 'periodic t2' }, signal);
    const trigger = { kind: 'config-change' as const, token: 'ops' };
    await intake.resync({ kind: 'resync', reason: 'refresh t3', trigger }, signal);
    expect(queue.sent.map((m) => (m.kind === 'reconcile' ? m.trigger : undefined))).toEqual([
      { kind: 'resync' },
      trigger,
    ]);
  });

  it('files outside the config prefix are not read as service configs', async () => {
    const { intake } = setup([inRepo(serviceYaml({})), serviceYaml({ name: 'stray' })]);
    await intake.loadHead(signal);
    expect(intake.current()?.services.map((s) => s.name)).toEqual(['actors']);
  });
});
