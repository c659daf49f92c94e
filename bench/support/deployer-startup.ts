// Cold start (spawn → GET /readyz 200) and idle RSS of the real deployer process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { DeployerStatus } from '../../deployer/contract/status-model.ts';
import { ECHO_TASK_COMMAND } from '../../local/task-commands.ts';
import { startLocalWorld } from '../../local/world.ts';
import {
  DEPLOYER_ENTRY,
  heapUsedFromMetrics,
  processRssBytes,
  STATUS_TOKEN,
  spawnDeployer,
  writeConfigDir,
} from './deployer-process.ts';
import { seedManyServices } from './many-services.ts';
import { quietLogger } from './quiet-logger.ts';

export type StartupResult =
  | {
      ok: true;
      services: number;
      coldStartMs: number;
      runsMs: number[];
      idleSeconds: number;
      idleRssBytes: number;
      idleHeapBytes: number | undefined;
      bareNodeRssBytes: number;
    }
  | { ok: false; reason: string };

async function bareNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  try {
    return await processRssBytes(child.pid ?? 0);
  } finally {
    child.kill('SIGKILL');
  }
}

export async function measureDeployerStartup(options: { runs: number }): Promise<StartupResult> {
  if (!existsSync(DEPLOYER_ENTRY)) return { ok: false, reason: 'deployer/main.ts does not exist yet' };
  const world = await startLocalWorld({
    logger: quietLogger(),
    taskCommands: { actors: ECHO_TASK_COMMAND },
    timing: { tickMs: 25, healthPollMs: 25, healthTimeoutMs: 5000, stopGraceMs: 500 },
  });
  const configDir = await writeConfigDir([{ name: 'actors', repository: 'actors' }]);
  try {
    const runsMs: number[] = [];
    let idleRssBytes = 0;
    let idleHeapBytes: number | undefined;
    const idleSeconds = 5;
    for (let run = 0; run < Math.max(1, options.runs); run += 1) {
      const deployer = await spawnDeployer({ worldEnv: world.env(), configDir, env: { LOG_LEVEL: 'warn' } });
      try {
        runsMs.push(await deployer.waitReady());
        if (run === 0) {
          await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
          idleRssBytes = await deployer.rssBytes();
          idleHeapBytes = await heapUsedFromMetrics(deployer.url);
        }
      } finally {
        await deployer.kill('SIGTERM');
      }
    }
    const sorted = [...runsMs].sort((a, b) => a - b);
    return {
      ok: true,
      services: 1,
      coldStartMs: sorted[Math.floor(sorted.length / 2)] as number,
      runsMs,
      idleSeconds,
      idleRssBytes,
      idleHeapBytes,
      bareNodeRssBytes: await bareNodeRss(),
    };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await world.stop();
  }
}

export type ScaleStartupResult =
  | {
      ok: true;
      services: number;
      readyMs: number;
      allSyncedMs: number;
      rssBytes: number;
      heapBytes: number | undefined;
      seedMs: number;
    }
  | { ok: false; reason: string };

/** The deployer process managing `count` services (desiredCount 0, so no task processes). */
export async function measureDeployerAtScale(count: number): Promise<ScaleStartupResult> {
  if (!existsSync(DEPLOYER_ENTRY)) return { ok: false, reason: 'deployer/main.ts does not exist yet' };
  const world = await startLocalWorld({
    logger: quietLogger(),
    taskCommands: { actors: ECHO_TASK_COMMAND },
    seed: true,
    timing: { tickMs: 100, healthPollMs: 25, healthTimeoutMs: 5000, stopGraceMs: 500 },
  });
  try {
    const seeded = performance.now();
    const configDir = await seedManyServices(world, count);
    const seedMs = performance.now() - seeded;
    const deployer = await spawnDeployer({
      worldEnv: world.env(),
      configDir,
      env: { LOG_LEVEL: 'warn', CONCURRENCY: '8', WAIT_POLL_MS: '1000' },
    });
    try {
      const readyMs = await deployer.waitReady(180_000);
      const syncStarted = performance.now();
      const deadline = syncStarted + 300_000;
      let synced = 0;
      for (;;) {
        const response = await fetch(`${deployer.url}/status`, {
          headers: { authorization: `Bearer ${STATUS_TOKEN}` },
        });
        const status = (await response.json()) as DeployerStatus;
        synced = status.services.filter((service) => service.sync.state === 'Synced').length;
        if (synced >= count) break;
        if (performance.now() > deadline)
          throw new Error(`only ${synced}/${count} services Synced after 300 s`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const allSyncedMs = readyMs + (performance.now() - syncStarted);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      return {
        ok: true,
        services: count,
        readyMs,
        allSyncedMs,
        rssBytes: await deployer.rssBytes(),
        heapBytes: await heapUsedFromMetrics(deployer.url),
        seedMs,
      };
    } finally {
      await deployer.kill('SIGTERM');
    }
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await world.stop();
  }
}
