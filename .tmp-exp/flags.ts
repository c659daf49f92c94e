// Throwaway: RSS of the deployer at N services under different NODE_OPTIONS (one world, seeded once).
import { ECHO_TASK_COMMAND } from '../local/task-commands.ts';
import { startLocalWorld } from '../local/world.ts';
import { heapUsedFromMetrics, spawnDeployer } from '../bench/support/deployer-process.ts';
import { seedManyServices } from '../bench/support/many-services.ts';
import { quietLogger } from '../bench/support/quiet-logger.ts';
import { shippedImage } from '../bench/support/shipped-image.ts';
import { loadavg } from 'node:os';
import { startAwsLatencyProxy } from '../bench/support/aws-latency-proxy.ts';

const N = Number(process.env.N ?? 1000);
const FLAGS = (process.env.FLAGS ?? '').split('|');
const world = await startLocalWorld({ logger: quietLogger('x'), taskCommands: { actors: ECHO_TASK_COMMAND }, timing: { healthPollMs: 50, healthTimeoutMs: 5000, stopGraceMs: 300 } });
const dir = await seedManyServices(world, N, { track: 'track: { semver: ">=1.0.0" }' });
const proxy = await startAwsLatencyProxy(world, { latencyMs: 0 });
const { PORT: _p, ...env } = shippedImage('Dockerfile.deployer').env;
for (const flags of FLAGS) {
  const d = await spawnDeployer({ worldEnv: proxy.env(), configDir: dir, env: { ...env, NODE_OPTIONS: flags, WAIT_POLL_MS: '', VISIBILITY_TIMEOUT_SECONDS: '', HEARTBEAT_SECONDS: '', RESYNC_INTERVAL_SECONDS: '3600' } });
  const ready = await d.waitReady(600_000);
  const t0 = Date.now();
  while (!d.output().includes('status rebuilt from ECS') && Date.now() - t0 < 600_000) await new Promise((r) => setTimeout(r, 500));
  await new Promise((r) => setTimeout(r, 15_000));
  let peak = 0; const samples: number[] = [];
  for (let i = 0; i < 10; i++) { const r = await d.rssBytes(); samples.push(r); peak = Math.max(peak, r); await new Promise((r) => setTimeout(r, 1000)); }
  const mark = proxy.calls.mark();
  await new Promise((r) => setTimeout(r, Number(process.env.IDLE_MS ?? 60_000)));
  const idleDescribe = proxy.calls.calls.slice(mark).filter((c) => c.operation === 'DescribeServices').length;
  const refreshLines = d.output().split('\n').filter((l) => l.includes('status-refresh')).map((l) => { const j = JSON.parse(l); return `${j.time} ${j.msg} ${JSON.stringify(j.active ?? j.periodMs ?? '')}`; });
  const heap = await heapUsedFromMetrics(d.url).catch(() => undefined);
  console.log(JSON.stringify({ flags, N, readyMs: Math.round(ready), rebuiltAfterMs: Date.now() - t0 - 25_000, rssMiB: (samples.at(-1)! / 2 ** 20).toFixed(1), peakMiB: (peak / 2 ** 20).toFixed(1), heapMiB: heap && (heap / 2 ** 20).toFixed(1), load: loadavg()[0].toFixed(1), idleDescribe, refreshLines }));
  await d.kill('SIGTERM');
}
await proxy.stop();
await world.stop();
