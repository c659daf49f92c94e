// Deployer runtimes (no HTTP) over a fresh local world through the production adapters, as main.ts
// builds them: what the runtime integration and resilience tests share. A test says only what differs:
// where the config comes from (the actors YAML in a directory, or a git repository it commits to), the
// queue's visibility timeout, a few settings, the runtime tuning, and for fault tests a proxy in front
// of SQS or a wrapper around the queue. Several deployers may run on one world, one after the other
// (restarts) or side by side; stop() ends them all. The echo task plays the actors images: the claims
// here are the deployer's, and the echo task serves the same /health and /version from the same
// environment for ~0.3 CPU-s a start instead of the actors service's ~0.6.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createDeployerRuntime, type RuntimeTuning } from '../../deployer/runtime/app.ts';
import type { DeployerRuntime } from '../../deployer/runtime/runtime.ts';
import { loadSettings, type Settings } from '../../deployer/runtime/settings.ts';
import { ECHO_TASK_COMMAND } from '../../local/task-commands.ts';
import { type LocalWorld, startLocalWorld } from '../../local/world.ts';
import { RUNTIME_WORLD_TIMING, worldActorsYaml } from './local-actors.ts';
import { type WorldAdapterOverrides, worldAdapters } from './world-adapters.ts';

export interface WorldForRuntimesOptions {
  /** Prefix of the temporary directories (names the test in /tmp). */
  name: string;
  /**
   * Where the deployers read their config: the actors service's YAML written to a directory, or a git
   * repository the test commits to (each deployer then keeps its own mirror, as a replacement task does).
   */
  config:
    | { actors: Parameters<typeof worldActorsYaml>[1] }
    | { repository: string }
    /** The actors service's YAML built by the test once the world runs (a verify URL of its own). */
    | { actorsYaml: (world: LocalWorld) => Promise<string> };
  /** The queue's visibility timeout, and the deployers' VISIBILITY_TIMEOUT_SECONDS (default 30). */
  visibilityTimeoutSeconds?: number;
  /** Receives before the redrive policy moves a message to the DLQ (default the template's). */
  maxReceiveCount?: number;
}

export interface DeployerOnWorldOptions {
  /** Settings beside the shared ones (WAIT_POLL_MS, STATUS_TOKEN, ...). */
  env?: NodeJS.ProcessEnv;
  tuning?: RuntimeTuning;
  /** Reach SQS here instead of at the world's emulator (a fault proxy in front of it). */
  sqsEndpoint?: string;
  /** Wraps the runtime's queue (a test that crashes it). */
  wrapQueue?: WorldAdapterOverrides['wrapQueue'];
}

export interface DeployerOnWorld {
  runtime: DeployerRuntime;
  /** What the runtime was built with (for a test that puts buildServer in front of it). */
  settings: Settings;
  /** Stops the runtime and closes its adapters' clients. */
  stop(): Promise<void>;
}

export interface WorldForRuntimes {
  world: LocalWorld;
  /** Builds and starts a deployer runtime on the world. */
  startDeployer(options?: DeployerOnWorldOptions): Promise<DeployerOnWorld>;
  /** Stops every deployer still running and the world, and removes the temporary directories. */
  stop(): Promise<void>;
}

export async function startWorldForRuntimes(options: WorldForRuntimesOptions): Promise<WorldForRuntimes> {
  const silent = pino({ level: 'silent' });
  const visibility = options.visibilityTimeoutSeconds ?? 30;
  const world = await startLocalWorld({
    logger: silent,
    timing: RUNTIME_WORLD_TIMING,
    taskCommands: { actors: ECHO_TASK_COMMAND },
    visibilityTimeoutSeconds: visibility,
    ...(options.maxReceiveCount ? { maxReceiveCount: options.maxReceiveCount } : {}),
  });
  const tempRoot = await mkdtemp(path.join(os.tmpdir(), `${options.name}-`));
  const { config } = options;
  if (!('repository' in config)) {
    await mkdir(path.join(tempRoot, 'config', 'services'), { recursive: true });
    await writeFile(
      path.join(tempRoot, 'config', 'services', 'actors.yaml'),
      'actors' in config ? worldActorsYaml(world, config.actors) : await config.actorsYaml(world),
    );
  }
  const running = new Set<DeployerOnWorld>();
  let started = 0;

  async function startDeployer(deployer: DeployerOnWorldOptions = {}): Promise<DeployerOnWorld> {
    started += 1;
    const settings = loadSettings({
      DEPLOYER_MODE: 'local',
      QUEUE_URL: world.queueUrl,
      DLQ_URL: world.dlqUrl,
      ...('repository' in config
        ? {
            CONFIG_REPOSITORY: config.repository,
            CONFIG_CACHE_DIR: path.join(tempRoot, `cache-${started}`),
          }
        : { CONFIG_PATH: path.join(tempRoot, 'config') }),
      RESYNC_INTERVAL_SECONDS: '0',
      VISIBILITY_TIMEOUT_SECONDS: String(visibility),
      // Extend in-flight messages well within the visibility timeout.
      HEARTBEAT_SECONDS: String(Math.max(1, Math.min(5, Math.floor(visibility / 2)))),
      ...deployer.env,
    });
    const adapters = worldAdapters(world, settings, silent, {
      maxAttempts: 3,
      probeTimeoutMs: 2_000,
      ...(deployer.sqsEndpoint ? { endpoints: { sqs: deployer.sqsEndpoint } } : {}),
      ...(deployer.wrapQueue ? { wrapQueue: deployer.wrapQueue } : {}),
    });
    const { destroy: _destroy, ...ports } = adapters;
    const runtime = createDeployerRuntime({ settings, logger: silent, ...ports }, deployer.tuning);
    const handle: DeployerOnWorld = {
      runtime,
      settings,
      async stop() {
        running.delete(handle);
        await runtime.stop();
        adapters.destroy();
      },
    };
    running.add(handle);
    await runtime.start();
    return handle;
  }

  return {
    world,
    startDeployer,
    async stop() {
      await Promise.all([...running].map((deployer) => deployer.stop()));
      await world.stop();
      await rm(tempRoot, { recursive: true, force: true });
    },
  };
}

export interface RuntimeOnWorld {
  world: LocalWorld;
  runtime: DeployerRuntime;
  /** Stops the runtime, the adapters' clients and the world, and removes the config directory. */
  stop(): Promise<void>;
}

/** One deployer on a fresh world whose config directory holds the actors service. */
export async function startRuntimeOnWorld(options: {
  name: string;
  actors: Parameters<typeof worldActorsYaml>[1];
  env?: NodeJS.ProcessEnv;
  tuning?: RuntimeTuning;
}): Promise<RuntimeOnWorld> {
  const { world, startDeployer, stop } = await startWorldForRuntimes({
    name: options.name,
    config: { actors: options.actors },
  });
  try {
    const { runtime } = await startDeployer({
      ...(options.env ? { env: options.env } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
    });
    return { world, runtime, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
