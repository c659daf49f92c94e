// In-memory fakes of the ports (deployer/ports.ts) for fast runtime tests. They model the behaviour
// the runtime relies on (ECS deployments that complete or fail, FIFO groups, idempotent invalidations),
// not any SDK; the adapters themselves are tested against the local stand-ins.
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { DEPLOY_ENV } from '../../../common/contract.ts';
import { DeployerError } from '../../../deployer/domain/errors.ts';
import { deduplicationId, messageGroupId } from '../../../deployer/domain/events/queue-message.ts';
import type {
  ConfigFile,
  LiveDeployment,
  LiveService,
  QueueMessage,
  RegistryImage,
  TaskDefinition,
} from '../../../deployer/domain/types.ts';
import type {
  CdnPort,
  Clock,
  ConfigSnapshot,
  ConfigSource,
  DescribedTaskDefinition,
  EcsPort,
  InvalidationStatus,
  QueuePort,
  ReceivedMessage,
  RegistryPort,
  VerifyProbe,
} from '../../../deployer/ports.ts';

export const silentLogger = pino({ level: 'silent' });
export const REGISTRY_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

export const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/**
 * Virtual time: sleep() advances it at once (yielding to the event loop), so waits cost nothing;
 * every() ticks as virtual time passes its due times.
 */
export class FakeClock implements Clock {
  #now: number;
  readonly #timers = new Set<{ ms: number; due: number; tick: () => void; signal: AbortSignal }>();
  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.#now = start;
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now += ms;
    for (const timer of this.#timers) {
      if (timer.signal.aborted) this.#timers.delete(timer);
      else
        while (timer.due <= this.#now && !timer.signal.aborted) {
          timer.due += timer.ms;
          timer.tick();
        }
    }
  }
  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await new Promise((resolve) => setImmediate(resolve));
    signal.throwIfAborted();
    this.advance(ms);
  }
  every(ms: number, tick: () => void, signal: AbortSignal): void {
    if (!signal.aborted) this.#timers.add({ ms: Math.max(1, ms), due: this.#now + ms, tick, signal });
  }
}

/** What a deployment of a revision does in the fake ECS. */
export type RolloutBehaviour = 'complete' | 'fail' | 'hang';

interface FakeDeployment extends LiveDeployment {
  polls: number;
}

interface FakeEcsService {
  cluster: string;
  service: string;
  circuitBreakerRollback: boolean;
  deployments: FakeDeployment[];
  events: { id: string; createdAt: Date; message: string }[];
}

export class FakeEcs implements EcsPort {
  readonly revisions = new Map<string, DescribedTaskDefinition>();
  readonly services = new Map<string, FakeEcsService>();
  readonly calls = {
    register: 0,
    update: [] as string[],
    tag: [] as { arn: string; tags: Record<string, string> }[],
  };
  /** Decides how a deployment of a revision ends (default: complete). */
  behaviour: (taskDefinitionArn: string) => RolloutBehaviour = () => 'complete';
  /** Polls (describeService calls) a deployment stays IN_PROGRESS. */
  pollsToFinish = 2;
  /** Throws `error` from a call of `method`, once, after letting `skip` calls through. */
  failNext: { method: keyof EcsPort; error: Error; skip?: number } | undefined;
  readonly #clock: FakeClock;
  #nextId = 1;

  constructor(clock: FakeClock) {
    this.#clock = clock;
  }

  /** A service running revision 1 of its family with the image in `container`. */
  seed(options: {
    cluster?: string;
    service: string;
    family?: string;
    container?: string;
    image: string;
    breakerRollback?: boolean;
  }): string {
    const family = options.family ?? options.service;
    const arn = this.#addRevision(
      {
        family,
        containerDefinitions: [
          { name: options.container ?? options.service, image: options.image, essential: true },
        ],
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
      },
      {},
    );
    const key = `${options.cluster ?? 'gitops'}/${options.service}`;
    this.services.set(key, {
      cluster: options.cluster ?? 'gitops',
      service: options.service,
      circuitBreakerRollback: options.breakerRollback ?? true,
      deployments: [this.#deployment(arn, 'COMPLETED')],
      events: [],
    });
    return arn;
  }

  async describeService(cluster: string, service: string): Promise<LiveService> {
    this.#maybeFail('describeService');
    const found = this.services.get(`${cluster}/${service}`);
    if (!found) {
      throw new DeployerError('SERVICE_NOT_FOUND', `ECS service ${service} in cluster ${cluster}: MISSING`);
    }
    this.#progress(found);
    const primary = found.deployments.find((d) => d.status === 'PRIMARY') as FakeDeployment;
    return structuredClone({
      cluster,
      service,
      status: 'ACTIVE',
      desiredCount: 1,
      runningCount: 1,
      taskDefinitionArn: primary.taskDefinitionArn,
      deployments: found.deployments.map(({ polls: _, ...d }) => d),
      events: [...found.events].reverse(),
    });
  }

  async describeTaskDefinition(taskDefinition: string): Promise<DescribedTaskDefinition> {
    this.#maybeFail('describeTaskDefinition');
    const found = this.revisions.get(this.#resolve(taskDefinition));
    if (!found) {
      throw new DeployerError('AWS_REQUEST_REJECTED', `Unable to describe task definition ${taskDefinition}`);
    }
    return structuredClone(found);
  }

  async registerTaskDefinition(
    taskDefinition: TaskDefinition,
    tags: Record<string, string>,
  ): Promise<string> {
    this.#maybeFail('registerTaskDefinition');
    this.calls.register += 1;
    return this.#addRevision(structuredClone(taskDefinition), { ...tags });
  }

  async listTaskDefinitions(family: string): Promise<string[]> {
    this.#maybeFail('listTaskDefinitions');
    // Like ListTaskDefinitions(status: ACTIVE): deregistered revisions are left out.
    return [...this.revisions.values()]
      .filter((r) => r.taskDefinition.family === family && r.taskDefinition.status !== 'INACTIVE')
      .sort((a, b) => (b.taskDefinition.revision ?? 0) - (a.taskDefinition.revision ?? 0))
      .map((r) => r.taskDefinition.taskDefinitionArn as string);
  }

  async tagResource(resourceArn: string, tags: Record<string, string>): Promise<void> {
    this.#maybeFail('tagResource');
    const found = this.revisions.get(resourceArn);
    if (!found) throw new DeployerError('AWS_REQUEST_REJECTED', `no resource ${resourceArn}`);
    Object.assign(found.tags, tags);
    this.calls.tag.push({ arn: resourceArn, tags: { ...tags } });
  }

  async updateService(cluster: string, service: string, taskDefinitionArn: string): Promise<void> {
    this.#maybeFail('updateService');
    const found = this.services.get(`${cluster}/${service}`);
    if (!found) throw new DeployerError('SERVICE_NOT_FOUND', `no service ${service}`);
    if (!this.revisions.has(taskDefinitionArn))
      throw new DeployerError('AWS_REQUEST_REJECTED', `no task definition ${taskDefinitionArn}`);
    this.calls.update.push(taskDefinitionArn);
    for (const d of found.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
    found.deployments.unshift(this.#deployment(taskDefinitionArn, 'IN_PROGRESS'));
    this.#event(found, `(service ${service}) has started a deployment of ${taskDefinitionArn}.`);
  }

  /** The image of the configured container in the PRIMARY deployment's revision. */
  primaryArn(service = 'actors', cluster = 'gitops'): string {
    const found = this.services.get(`${cluster}/${service}`);
    return found?.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinitionArn ?? '';
  }

  /** What the PRIMARY's tasks report on /version once it completed (DEPLOY_IMAGE_DIGEST), else null. */
  servedDigest(service = 'actors', cluster = 'gitops'): string | null {
    const found = this.services.get(`${cluster}/${service}`);
    const serving = found?.deployments.find((d) => d.status === 'PRIMARY' && d.rolloutState === 'COMPLETED');
    if (!serving) return null;
    const td = this.revisions.get(serving.taskDefinitionArn)?.taskDefinition;
    const env = td?.containerDefinitions[0]?.environment ?? [];
    return env.find((e) => e.name === DEPLOY_ENV.digest)?.value ?? null;
  }

  #progress(service: FakeEcsService): void {
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (primary?.rolloutState !== 'IN_PROGRESS') return;
    primary.polls += 1;
    const behaviour = this.behaviour(primary.taskDefinitionArn);
    if (behaviour === 'hang' || primary.polls < this.pollsToFinish) return;
    if (behaviour === 'complete') {
      primary.rolloutState = 'COMPLETED';
      primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
      service.deployments = service.deployments.filter((d) => d === primary);
      this.#event(service, `(service ${service.service}) has reached a steady state.`);
      return;
    }
    primary.rolloutState = 'FAILED';
    primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
    const previous = service.deployments.find((d) => d !== primary);
    if (service.circuitBreakerRollback && previous) {
      primary.status = 'ACTIVE';
      for (const d of service.deployments) if (d !== primary) d.status = 'ACTIVE';
      service.deployments.unshift(this.#deployment(previous.taskDefinitionArn, 'COMPLETED'));
      this.#event(service, `(service ${service.service}) rolling back to ${previous.taskDefinitionArn}.`);
    }
  }

  /** Like ECS: an ARN, `family:revision`, or `family` (its newest revision). */
  #resolve(reference: string): string {
    if (this.revisions.has(reference)) return reference;
    const [family, revision] = reference.split(':');
    const matches = [...this.revisions.values()]
      .map((r) => r.taskDefinition)
      .filter((td) => td.family === family && (revision === undefined || String(td.revision) === revision))
      .sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
    return matches[0]?.taskDefinitionArn ?? reference;
  }

  #addRevision(td: TaskDefinition, tags: Record<string, string>): string {
    const revision =
      [...this.revisions.values()].filter((r) => r.taskDefinition.family === td.family).length + 1;
    const arn = `arn:aws:ecs:eu-west-1:123456789012:task-definition/${td.family}:${revision}`;
    this.revisions.set(arn, {
      taskDefinition: { ...td, taskDefinitionArn: arn, revision, status: 'ACTIVE' },
      tags,
    });
    return arn;
  }

  #deployment(arn: string, state: 'IN_PROGRESS' | 'COMPLETED'): FakeDeployment {
    const now = this.#clock.now();
    return {
      id: `ecs-svc/${this.#nextId++}`,
      status: 'PRIMARY',
      taskDefinitionArn: arn,
      rolloutState: state,
      desiredCount: 1,
      runningCount: state === 'COMPLETED' ? 1 : 0,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
      polls: 0,
    };
  }

  #event(service: FakeEcsService, message: string): void {
    service.events.push({ id: `ev-${this.#nextId++}`, createdAt: this.#clock.now(), message });
  }

  #maybeFail(method: keyof EcsPort): void {
    if (this.failNext?.method !== method) return;
    if ((this.failNext.skip ?? 0) > 0) {
      this.failNext.skip = (this.failNext.skip ?? 0) - 1;
      return;
    }
    const { error } = this.failNext;
    this.failNext = undefined;
    throw error;
  }
}

export class FakeRegistry implements RegistryPort {
  readonly images = new Map<string, RegistryImage[]>();
  readonly #clock: FakeClock;
  constructor(clock: FakeClock) {
    this.#clock = clock;
  }
  /** Adds (or retags) an image; returns its digest. */
  push(repository: string, tag: string, content = `${repository}:${tag}`): string {
    const digest = digestOf(content);
    const list = this.images.get(repository) ?? [];
    for (const image of list) image.tags = image.tags.filter((t) => t !== tag);
    const existing = list.find((i) => i.digest === digest);
    if (existing) existing.tags.push(tag);
    else list.push({ digest, tags: [tag], pushedAt: this.#clock.now() });
    this.images.set(repository, list);
    this.#clock.advance(1000);
    return digest;
  }
  async listImages(repository: string): Promise<RegistryImage[]> {
    const name = repository.startsWith(`${REGISTRY_HOST}/`)
      ? repository.slice(REGISTRY_HOST.length + 1)
      : repository;
    const images = this.images.get(name);
    // Like ECR's RepositoryNotFoundException: a repository nobody pushed to does not exist here.
    if (!images) throw new DeployerError('IMAGE_NOT_FOUND', `ECR repository ${name} not found`);
    return structuredClone(images);
  }
  uriLookups = 0;
  async repositoryUri(repository: string): Promise<string> {
    this.uriLookups += 1;
    // A full URI is already the answer, as in the ECR adapter.
    return repository.startsWith(`${REGISTRY_HOST}/`) ? repository : `${REGISTRY_HOST}/${repository}`;
  }
}

export class FakeCdn implements CdnPort {
  readonly byReference = new Map<string, { distributionId: string; paths: string[]; id: string }>();
  creates = 0;
  readonly #distributions: Set<string> | undefined;
  /** With `distributions`, other ids fail like CloudFront's NoSuchDistribution; without, any id exists. */
  constructor(distributions?: string[]) {
    this.#distributions = distributions ? new Set(distributions) : undefined;
  }
  async createInvalidation(
    distributionId: string,
    paths: string[],
    callerReference: string,
  ): Promise<InvalidationStatus> {
    if (this.#distributions && !this.#distributions.has(distributionId))
      throw new DeployerError('AWS_REQUEST_REJECTED', `NoSuchDistribution: ${distributionId}`);
    this.creates += 1;
    const found = this.byReference.get(callerReference);
    if (found) return { id: found.id, status: 'InProgress' };
    const id = `I${this.byReference.size + 1}`;
    this.byReference.set(callerReference, { distributionId, paths, id });
    return { id, status: 'InProgress' };
  }
  async getInvalidation(_distributionId: string, id: string): Promise<InvalidationStatus> {
    return { id, status: 'Completed' };
  }
}

/** Answers like the service behind the load balancer: the digest the completed PRIMARY runs. */
export class FakeProbe implements VerifyProbe {
  readonly urls: string[] = [];
  answer: (url: string) => { status: number; body: unknown };
  constructor(ecs: FakeEcs) {
    this.answer = () => ({ status: 200, body: { digest: ecs.servedDigest(), version: '1.0.0' } });
  }
  async get(url: string): Promise<{ status: number; body: unknown }> {
    this.urls.push(url);
    return this.answer(url);
  }
}

export class FakeConfigSource implements ConfigSource {
  files: ConfigFile[] = [];
  revision = 'c0ffee0000000000000000000000000000000001';
  /** Commits by sha, for reads at a revision (git pushes). */
  readonly commits = new Map<string, ConfigFile[]>();
  fail: Error | undefined;
  reads = 0;
  commit(revision: string, files: ConfigFile[]): void {
    this.revision = revision;
    this.files = files;
    this.commits.set(revision, files);
  }
  async read(revision: string | undefined): Promise<ConfigSnapshot> {
    this.reads += 1;
    if (this.fail) throw this.fail;
    if (revision === undefined) return { revision: this.revision, files: structuredClone(this.files) };
    const files = this.commits.get(revision);
    if (!files) throw new DeployerError('GIT_FAILED', `unknown revision ${revision}`);
    return { revision, files: structuredClone(files) };
  }
}

interface StoredMessage {
  id: string;
  body: QueueMessage;
  groupId: string;
  visibleAt: number;
  receiveCount: number;
  receipt: string | undefined;
}

/**
 * SQS FIFO semantics that matter here: a group with a message in flight yields nothing more, the
 * deduplication id drops repeats, visibility comes back after a timeout, redrive after maxReceives.
 * Visibility uses real time (milliseconds) so tests can watch messages come back.
 */
export class FakeQueue implements QueuePort {
  readonly messages: StoredMessage[] = [];
  readonly dead: StoredMessage[] = [];
  readonly sent: QueueMessage[] = [];
  readonly deleted: QueueMessage[] = [];
  readonly visibilityChanges: { id: string; seconds: number }[] = [];
  readonly #dedup = new Set<string>();
  #next = 1;
  maxReceives = 5;
  visibilitySeconds = 30;
  receiveFailures = 0;

  async send(message: QueueMessage): Promise<void> {
    const dedup = `${messageGroupId(message)}|${deduplicationId(message)}`;
    if (this.#dedup.has(dedup)) return;
    this.#dedup.add(dedup);
    this.sent.push(message);
    this.messages.push({
      id: `m${this.#next++}`,
      body: structuredClone(message),
      groupId: messageGroupId(message),
      visibleAt: 0,
      receiveCount: 0,
      receipt: undefined,
    });
  }

  async receive(maxMessages: number, waitSeconds: number, signal: AbortSignal): Promise<ReceivedMessage[]> {
    if (this.receiveFailures > 0) {
      this.receiveFailures -= 1;
      throw new DeployerError('AWS_UNAVAILABLE', 'sqs:ReceiveMessage failed');
    }
    const deadline = Date.now() + Math.min(waitSeconds * 1000, 100);
    for (;;) {
      if (signal.aborted) return [];
      const batch = this.#take(maxMessages);
      if (batch.length > 0 || signal.aborted) return batch;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (Date.now() >= deadline) return signal.aborted ? [] : this.#take(maxMessages);
    }
  }

  #take(max: number): ReceivedMessage[] {
    const now = Date.now();
    const blocked = new Set(
      this.messages.filter((m) => m.visibleAt > now && m.receipt).map((m) => m.groupId),
    );
    const out: ReceivedMessage[] = [];
    for (const message of [...this.messages]) {
      if (out.length >= max) break;
      if (blocked.has(message.groupId) || message.visibleAt > now) continue;
      if (message.receiveCount >= this.maxReceives) {
        this.messages.splice(this.messages.indexOf(message), 1);
        this.dead.push(message);
        continue;
      }
      message.receiveCount += 1;
      message.receipt = `${message.id}#${message.receiveCount}`;
      message.visibleAt = now + this.visibilitySeconds * 1000;
      out.push({
        body: structuredClone(message.body),
        receiptHandle: message.receipt,
        messageId: message.id,
        groupId: message.groupId,
        receiveCount: message.receiveCount,
      });
      // FIFO: later messages of this group wait until this one is done.
      blocked.add(message.groupId);
    }
    return out;
  }

  async delete(receiptHandle: string): Promise<void> {
    const index = this.messages.findIndex((m) => m.receipt === receiptHandle);
    if (index === -1) return;
    const [message] = this.messages.splice(index, 1);
    if (message) this.deleted.push(message.body);
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    const message = this.messages.find((m) => m.receipt === receiptHandle);
    if (!message) return;
    this.visibilityChanges.push({ id: message.id, seconds });
    message.visibleAt = Date.now() + seconds * 1000;
    if (seconds === 0) message.receipt = undefined;
  }

  async stats(): Promise<{ visible: number; inFlight: number }> {
    const now = Date.now();
    const inFlight = this.messages.filter((m) => m.visibleAt > now).length;
    return { visible: this.messages.length - inFlight, inFlight };
  }
}

/** A service config as YAML, like config/services/<name>.yaml. */
export function serviceYaml(options: {
  name?: string;
  track?: string;
  pin?: string;
  verify?: boolean;
  cdn?: boolean;
  rollback?: boolean;
  suspended?: boolean;
  repository?: string;
}): ConfigFile {
  const name = options.name ?? 'actors';
  const lines = [
    `name: ${name}`,
    'cluster: gitops',
    `service: ${name}`,
    `container: ${name}`,
    'image:',
    `  repository: ${options.repository ?? name}`,
    options.pin ? `  pin: "${options.pin}"` : `  track:\n    semver: "${options.track ?? '^1.0.0'}"`,
  ];
  if (options.verify !== false)
    lines.push(
      'verify:',
      `  url: http://${name}.test/version`,
      '  expectVersion: true',
      '  successes: 2',
      '  timeoutSeconds: 30',
    );
  if (options.cdn !== false) lines.push('cdn:', '  distributionId: E2EXAMPLE', '  paths: ["/*"]');
  lines.push('rollout:', '  timeoutSeconds: 120', `  rollback: ${options.rollback !== false}`);
  if (options.suspended) lines.push('suspended: true');
  return { path: `services/${name}.yaml`, text: `${lines.join('\n')}\n` };
}
