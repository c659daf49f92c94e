// The runtime (no HTTP) over a fresh local world through the production adapters, with the actors
// service's config in a temporary directory: what the runtime integration tests share. Each test says
// only what differs (the actors YAML options, a few settings, the runtime tuning).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createDeployerRuntime, type RuntimeTuning } from '../../deployer/runtime/app.ts';
import type { DeployerRuntime } from '../../deployer/runtime/runtime.ts';
import { loadSettings } from '../../deployer/runtime/settings.ts';
import { type LocalWorld, startLocalWorld } from '../../local/world.ts';
import { RUNTIME_WORLD_TIMING, worldActorsYaml } from './local-actors.ts';
import { worldAdapters } from './world-adapters.ts';

export interface RuntimeOnWorld {
  world: LocalWorld;
  runtime: DeployerRuntime;
  /** Stops the runtime, the adapters' clients and the world, and removes the config directory. */
  stop(): Promise<void>;
}

export async function startRuntimeOnWorld(options: {
  /** Prefix of the temporary config directory (names the test in /tmp). */
  name: string;
  actors: Parameters<typeof worldActorsYaml>[1];
  /** Settings beside the shared ones (WAIT_POLL_MS, ...). */
  env?: NodeJS.ProcessEnv;
  tuning?: RuntimeTuning;
}): Promise<RuntimeOnWorld> {
  const silent = pino({ level: 'silent' });
  const world = await startLocalWorld({
    logger: silent,
    timing: RUNTIME_WORLD_TIMING,
    visibilityTimeoutSeconds: 30,
  });
  const configRoot = await mkdtemp(path.join(os.tmpdir(), `${options.name}-`));
  await mkdir(path.join(configRoot, 'services'));
  await writeFile(path.join(configRoot, 'services', 'actors.yaml'), worldActorsYaml(world, options.actors));
  const settings = loadSettings({
    DEPLOYER_MODE: 'local',
    QUEUE_URL: world.queueUrl,
    DLQ_URL: world.dlqUrl,
    CONFIG_PATH: configRoot,
    RESYNC_INTERVAL_SECONDS: '0',
    VISIBILITY_TIMEOUT_SECONDS: '30',
    HEARTBEAT_SECONDS: '5',
    ...options.env,
  });
  const adapters = worldAdapters(world, settings, silent, { maxAttempts: 3, probeTimeoutMs: 2_000 });
  const { destroy: _destroy, ...ports } = adapters;
  const runtime = createDeployerRuntime({ settings, logger: silent, ...ports }, options.tuning);
  await runtime.start();
  return {
    world,
    runtime,
    async stop() {
      await runtime.stop();
      adapters.destroy();
      await world.stop();
      await rm(configRoot, { recursive: true, force: true });
    },
  };
}
