// Shared setup of the deployer end-to-end scenarios: a local world in the test process (ports 0, fast
// timing, the real actors service or the echo task), a real git config repository, and deployer child
// processes in aws mode pointed at both. Everything is torn down by cleanup(), even after a failed test.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { ECHO_TASK_COMMAND } from '../../local/task-commands.ts';
import {
  type LocalTiming,
  type LocalWorld,
  type LocalWorldOptions,
  startLocalWorld,
} from '../../local/world.ts';
import { ConfigRepo } from './config-repo.ts';
import { type DeployerProcess, spawnDeployer } from './deployer-process.ts';
import { worldActorsYaml } from './local-actors.ts';

export const E2E_TIMING: Partial<LocalTiming> = {
  tickMs: 25,
  healthPollMs: 25,
  // Health is polled every 25 ms, so this bound costs nothing on an idle machine; a node task on a
  // loaded 2-core CI machine can take seconds to answer its first /health, and a task that misses
  // it counts towards the circuit breaker (a spurious failed rollout). Tests that need a task to
  // time out set their own, shorter value.
  healthTimeoutMs: 15_000,
  stopGraceMs: 500,
  circuitBreakerThreshold: 2,
  invalidationMs: 200,
  brokenExitMs: 100,
};

export const E2E_TOKEN = 'e2e-status-token-0123456789abcdef';
export const E2E_SECRET = 'e2e-webhook-secret-0123456789abcdef';
export const ACTORS_FILE = 'config/services/actors.yaml';

export interface ActorsConfigOptions {
  /** A pinned tag; otherwise tracking `semver`. */
  pin?: string;
  semver?: string;
  verifySuccesses?: number;
  verifyIntervalSeconds?: number;
  verifyTimeoutSeconds?: number;
}

export interface E2eEnvironment {
  world: LocalWorld;
  repo: ConfigRepo;
  /** The actors service config for this world (verify URL = the world's load balancer). */
  actorsYaml(options?: ActorsConfigOptions): string;
  /** Environment of a deployer process in aws mode against this world and repo. */
  deployerEnv(extra?: Record<string, string>): Record<string, string>;
  /** Spawns a deployer (tracked for cleanup). */
  startDeployer(extra?: Record<string, string>): Promise<DeployerProcess>;
  cleanup(): Promise<void>;
}

export async function startE2eEnvironment(
  options: {
    actors?: ActorsConfigOptions;
    world?: LocalWorldOptions;
    /**
     * What plays the actors images: the real actors service (default), or the echo task where the
     * file's claim is the deployer's, not the service's (same /health and /version from the same env,
     * ~0.12 CPU-s a start instead of ~0.35, measured alone).
     */
    workload?: 'actors' | 'echo';
    /** The config files of the first commit (path → text); default: actors.yaml for the seeded service. */
    initialFiles?: (world: LocalWorld) => Record<string, string>;
  } = {},
): Promise<E2eEnvironment> {
  const world = await startLocalWorld({
    logger: pino({ level: 'silent' }),
    visibilityTimeoutSeconds: 3,
    ...options.world,
    // A file's own timing (a shorter ECS minute, say) refines the fast e2e timing, not the stand-in
    // defaults (a 250 ms scheduler tick, 200 ms health polls): those slowed every rollout of the file.
    timing: { ...E2E_TIMING, ...options.world?.timing },
    ...(options.workload === 'echo'
      ? { taskCommands: { actors: ECHO_TASK_COMMAND, ...options.world?.taskCommands } }
      : {}),
  });
  // Every start, pending or done: a start that finishes after a failed sibling is still cleaned up.
  const deployers: Promise<DeployerProcess>[] = [];
  let repo: ConfigRepo | undefined;
  let cacheDir: string | undefined;
  const cleanup = async () => {
    const started = await Promise.allSettled(deployers);
    await Promise.all(
      started.map((result) => (result.status === 'fulfilled' ? result.value.stop('SIGKILL') : undefined)),
    );
    await world.stop();
    await repo?.remove();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  };
  try {
    repo = await ConfigRepo.create();
    cacheDir = await mkdtemp(path.join(tmpdir(), 'ecs-gitops-e2e-cache-'));
    const actorsYaml = (actors: ActorsConfigOptions = {}) =>
      worldActorsYaml(world, {
        ...(actors.pin ? { pin: actors.pin } : { semver: actors.semver ?? '^1.0.0' }),
        verify: {
          successes: actors.verifySuccesses ?? 3,
          intervalSeconds: actors.verifyIntervalSeconds ?? 0.1,
          timeoutSeconds: actors.verifyTimeoutSeconds ?? 10,
        },
        rolloutTimeoutSeconds: 30,
      });
    const initialFiles = options.initialFiles?.(world) ?? { [ACTORS_FILE]: actorsYaml(options.actors) };
    await repo.commit(initialFiles, 'initial config');
    const configRepo = repo;
    const configCache = cacheDir;
    const deployerEnv = (extra: Record<string, string> = {}) => ({
      ...world.env(),
      DEPLOYER_MODE: 'aws',
      // The local world's verify URL is its load balancer on 127.0.0.1.
      VERIFY_ALLOW_PRIVATE_NETWORKS: 'true',
      CONFIG_REPOSITORY: configRepo.dir,
      CONFIG_BRANCH: 'main',
      CONFIG_CACHE_DIR: configCache,
      GITHUB_WEBHOOK_SECRET: E2E_SECRET,
      STATUS_TOKEN: E2E_TOKEN,
      WAIT_POLL_MS: '50',
      VISIBILITY_TIMEOUT_SECONDS: '3',
      HEARTBEAT_SECONDS: '1',
      RESYNC_INTERVAL_SECONDS: '300',
      ...extra,
    });
    return {
      world,
      repo,
      actorsYaml,
      deployerEnv,
      startDeployer(extra = {}) {
        const deployer = spawnDeployer({ env: deployerEnv(extra) });
        deployers.push(deployer);
        return deployer;
      },
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Reads the load balancer's /version (what the running tasks report). */
export async function servedVersion(world: LocalWorld): Promise<{ digest: string | null }> {
  const response = await fetch(`${world.serviceUrl('actors')}/version`);
  return (await response.json()) as { digest: string | null };
}
