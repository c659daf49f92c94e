// The deployer runtime in this process on top of a local world, through the production adapters
// (AWS SDK v3 → ECS/ECR/CloudFront stand-ins over HTTP, SQS → fauxqs), as the deployer process runs
// it. Used by bench:latency and bench:completion.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ServiceStatus } from '../../deployer/contract/status-model.ts';
import { createDeployerRuntime, type RuntimeTuning } from '../../deployer/runtime/app.ts';
import type { DeployerRuntime } from '../../deployer/runtime/runtime.ts';
import { loadSettings } from '../../deployer/runtime/settings.ts';
import type { Adapters } from '../../deployer/startup/create-adapters.ts';
import { ECHO_TASK_COMMAND } from '../../local/task-commands.ts';
import type { TaskCommand } from '../../local/tasks/process-runner.ts';
import { type LocalWorld, startLocalWorld } from '../../local/world.ts';
import { worldAdapters } from '../../test/support/world-adapters.ts';
import { type AwsCallLog, type AwsLatencyProxy, startAwsLatencyProxy } from './aws-latency-proxy.ts';
import { serviceYaml } from './deployer-process.ts';
import { TimedQueue } from './timed-queue.ts';

export interface WorldRuntime {
  world: LocalWorld;
  runtime: DeployerRuntime;
  /** The runtime's queue, recording when each message was received. */
  queue: TimedQueue;
  /** ECS calls the runtime made, by EcsPort method. */
  ecsCalls: Map<string, number>;
  /** Every AWS call on the wire (SQS included), when awsLatencyMs is set (0 counts without delay). */
  awsCalls: AwsCallLog | undefined;
  /** Polls the runtime's status of `actors` until `done` holds. */
  until(done: (status: ServiceStatus) => boolean, timeoutMs?: number): Promise<ServiceStatus>;
  stop(): Promise<void>;
}

export interface WorldRuntimeOptions {
  logger: Logger;
  /** WAIT_POLL_MS: how often the runtime describes the service while a deployment runs. */
  waitPollMs: number;
  /** ECS stand-in scheduler tick (how often it advances deployments). */
  tickMs?: number;
  /** Fraction of ECS/ECR/CloudFront calls the stand-ins fail with throttling or 5xx. */
  faultRate?: number;
  faultSeed?: number;
  /** SDK retry mode of the AWS clients (production default: adaptive). */
  retryMode?: 'standard' | 'adaptive';
  /** Runtime tuning (tests shorten backoff and receive waits). */
  tuning?: RuntimeTuning;
  /** The ECS stand-in sends deployment events to the queue (default true; false: the polling baseline). */
  deploymentEvents?: boolean;
  /**
   * Put the delaying proxy (aws-latency-proxy.ts) between the runtime and every AWS endpoint, adding
   * this many ms per call; 0 only counts calls. Unset: the runtime talks to the stand-ins directly.
   */
  awsLatencyMs?: number;
  /** What plays the `actors` image (default: the echo task, healthy at once). */
  taskCommand?: TaskCommand;
  /** How long a starting task may take to become healthy (default 5 s). */
  healthTimeoutMs?: number;
}

export async function startWorldRuntime(options: WorldRuntimeOptions): Promise<WorldRuntime> {
  const world = await startLocalWorld({
    logger: options.logger,
    taskCommands: { actors: options.taskCommand ?? ECHO_TASK_COMMAND },
    faultRate: options.faultRate ?? 0,
    faultSeed: options.faultSeed ?? 1,
    deploymentEvents: options.deploymentEvents ?? true,
    timing: {
      tickMs: options.tickMs ?? 25,
      healthPollMs: 25,
      healthTimeoutMs: options.healthTimeoutMs ?? 5_000,
      stopGraceMs: 300,
      invalidationMs: 200,
    },
  });
  const configRoot = await mkdtemp(join(tmpdir(), 'ecs-gitops-bench-world-'));
  await mkdir(join(configRoot, 'services'));
  await writeFile(
    join(configRoot, 'services', 'actors.yaml'),
    serviceYaml({
      name: 'actors',
      repository: 'actors',
      track: 'track: { semver: ">=1.0.0" }',
      verifyUrl: `${world.serviceUrl('actors')}/version`,
      distributionId: 'ELOCALACTORS',
    }),
  );
  let adapters: Adapters | undefined;
  let runtime: DeployerRuntime | undefined;
  let proxy: AwsLatencyProxy | undefined;
  const stop = async () => {
    await runtime?.stop();
    adapters?.destroy();
    await proxy?.stop();
    await world.stop();
    await rm(configRoot, { recursive: true, force: true });
  };
  try {
    const settings = loadSettings({
      DEPLOYER_MODE: 'local',
      QUEUE_URL: world.queueUrl,
      DLQ_URL: world.dlqUrl,
      CONFIG_PATH: configRoot,
      WAIT_POLL_MS: String(options.waitPollMs),
      RESYNC_INTERVAL_SECONDS: '3600',
      LOG_LEVEL: options.logger.level,
    });
    let queue: TimedQueue | undefined;
    if (options.awsLatencyMs !== undefined)
      proxy = await startAwsLatencyProxy(world, { latencyMs: options.awsLatencyMs });
    const reached: LocalWorld = proxy ? { ...world, endpoints: proxy.endpoints, env: proxy.env } : world;
    adapters = worldAdapters(reached, settings, options.logger, {
      probeTimeoutMs: 2_000,
      ...(options.retryMode ? { retryMode: options.retryMode } : {}),
      wrapQueue: (inner) => {
        queue = new TimedQueue(inner);
        return queue;
      },
    });
    if (!queue) throw new Error('createAdapters did not wrap the queue');
    const timed = queue;
    const { destroy: _destroy, ...ports } = adapters;
    const ecsCalls = new Map<string, number>();
    const ecs = ports.ecs;
    // Counts every EcsPort call by method (DescribeServices per rollout is what completion costs).
    const counted = new Proxy(ecs, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        return (...args: unknown[]) => {
          ecsCalls.set(property, (ecsCalls.get(property) ?? 0) + 1);
          return value.apply(target, args);
        };
      },
    });
    runtime = createDeployerRuntime(
      { settings, logger: options.logger, ...ports, ecs: counted },
      options.tuning,
    );
    await runtime.start();
    const started = runtime;
    const until = async (done: (status: ServiceStatus) => boolean, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = started.serviceStatus('actors');
        if (status && done(status)) return status;
        if (Date.now() > deadline)
          throw new Error(`actors not as expected within ${timeoutMs} ms: ${JSON.stringify(status?.sync)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    await until((status) => status.sync.state === 'Synced' && status.currentRollout === null);
    return { world, runtime: started, queue: timed, ecsCalls, awsCalls: proxy?.calls, until, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
