// Cold start (spawn → GET /readyz 200) and idle RSS of the real deployer process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ECHO_TASK_COMMAND } from '../../local/task-commands.ts';
import { startLocalWorld } from '../../local/world.ts';
import { DEPLOYER_ENTRY, processRssBytes, spawnDeployer, writeConfigDir } from './deployer-process.ts';
import { quietLogger } from './quiet-logger.ts';

export type StartupResult =
  | {
      ok: true;
      services: number;
      coldStartMs: number;
      runsMs: number[];
      idleSeconds: number;
      idleRssBytes: number;
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
    const idleSeconds = 5;
    for (let run = 0; run < Math.max(1, options.runs); run += 1) {
      const deployer = await spawnDeployer({ worldEnv: world.env(), configDir, env: { LOG_LEVEL: 'warn' } });
      try {
        runsMs.push(await deployer.waitReady());
        if (run === 0) {
          await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
          idleRssBytes = await deployer.rssBytes();
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
      bareNodeRssBytes: await bareNodeRss(),
    };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await world.stop();
  }
}
