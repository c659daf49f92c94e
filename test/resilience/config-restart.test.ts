// Config intake across deployer restarts, over the local world (ECS, ECR, CloudFront, SQS and SSM
// stand-ins) and a real git repository: each "restart" is a fresh runtime with empty memory, so
// whatever it knows comes from git and AWS, as after a task replacement.
// - a config change made while no deployer runs is picked up at start, with no push;
// - a restart while the branch head is invalid runs the last good revision recorded in SSM, visibly
//   (status + dashboard say "running last good revision X; HEAD Y is invalid"), and sync works.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../deployer/adapters/aws/clients.ts';
import { SsmLastGoodConfig } from '../../deployer/adapters/aws/ssm-last-good-config.ts';
import { buildServer } from '../../deployer/http/server.ts';
import { createDeployerRuntime } from '../../deployer/runtime/app.ts';
import type { DeployerRuntime } from '../../deployer/runtime/runtime.ts';
import { loadSettings } from '../../deployer/runtime/settings.ts';
import { createAdapters } from '../../deployer/startup/create-adapters.ts';
import { type LocalWorld, startLocalWorld } from '../../local/world.ts';
import { ConfigRepo } from '../support/config-repo.ts';
import { RUNTIME_WORLD_TIMING, worldActorsYaml } from '../support/local-actors.ts';

const silent = pino({ level: 'silent' });
const TOKEN = 'restart-test-token-0123456789';
const CAP = { timeout: 30_000, interval: 50 };
let world: LocalWorld;
let repo: ConfigRepo;
let cacheRoot: string;
const running = new Set<{ runtime: DeployerRuntime; destroy(): void }>();

const actorsYaml = (suspended: boolean) =>
  worldActorsYaml(world, { verify: { successes: 1, intervalSeconds: 1, timeoutSeconds: 20 }, suspended });

beforeAll(async () => {
  world = await startLocalWorld({
    logger: silent,
    // A stopped deployer's last long poll may still take a message (SQS hands it to the connection
    // even when the client has gone): with the template's 60 s visibility the next deployer would
    // see it only after the test's cap. 2 s keeps the redelivery inside it.
    visibilityTimeoutSeconds: 2,
    timing: RUNTIME_WORLD_TIMING,
  });
  repo = await ConfigRepo.create();
  cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'config-restart-cache-'));
}, 60_000);

afterAll(async () => {
  for (const deployer of running) {
    await deployer.runtime.stop();
    deployer.destroy();
  }
  await world?.stop();
  await repo?.remove();
  if (cacheRoot) await rm(cacheRoot, { recursive: true, force: true });
});

/** A deployer as main.ts builds it (production adapters over the world's endpoints), started. */
async function startDeployer(name: string) {
  const settings = loadSettings({
    DEPLOYER_MODE: 'local',
    QUEUE_URL: world.queueUrl,
    DLQ_URL: world.dlqUrl,
    CONFIG_REPOSITORY: repo.dir,
    // A cache per deployer: a replacement task starts without the earlier one's mirror.
    CONFIG_CACHE_DIR: path.join(cacheRoot, name),
    RESYNC_INTERVAL_SECONDS: '0',
    WAIT_POLL_MS: '100',
    STATUS_TOKEN: TOKEN,
  });
  const adapters = createAdapters({
    settings,
    logger: silent,
    env: {},
    endpoints: world.endpoints,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { destroy, ...ports } = adapters;
  const runtime = createDeployerRuntime({ settings, logger: silent, ...ports }, { receiveWaitSeconds: 1 });
  const deployer = { runtime, destroy };
  running.add(deployer);
  await runtime.start();
  return {
    runtime,
    app: buildServer({ runtime, settings, logger: silent }),
    async stop() {
      await runtime.stop();
      destroy();
      running.delete(deployer);
    },
  };
}

describe('config intake across restarts', () => {
  it('picks up at start a config committed while no deployer ran, and after a restart on an invalid head runs the last good revision from SSM', async () => {
    const first = await repo.commit({ 'config/services/actors.yaml': actorsYaml(false) }, 'actors');
    const one = await startDeployer('one');
    await expect.poll(() => one.runtime.status().config.revision, CAP).toBe(first);
    await expect.poll(() => one.runtime.serviceStatus('actors')?.sync.state, CAP).toBe('Synced');
    await one.stop();

    // Down: a commit nobody is told about (no webhook).
    const second = await repo.commit({ 'config/services/actors.yaml': actorsYaml(true) }, 'suspend actors');
    const two = await startDeployer('two');
    expect(two.runtime.status().config).toMatchObject({ revision: second, headRevision: second, errors: [] });
    await expect.poll(() => two.runtime.serviceStatus('actors')?.sync.state, CAP).toBe('Suspended');
    // Recorded in AWS, not in a local file.
    const ssm = createAwsClients({
      endpoints: world.endpoints,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await expect
        .poll(
          async () => (await new SsmLastGoodConfig(ssm.ssm).read(AbortSignal.timeout(5_000)))?.revision,
          CAP,
        )
        .toBe(second);
    } finally {
      ssm.destroy();
    }
    await two.stop();

    // Down again: the head becomes invalid.
    const broken = await repo.commit(
      { 'config/services/actors.yaml': actorsYaml(true).replace('cluster: gitops', 'clustr: gitops') },
      'typo',
    );
    const three = await startDeployer('three');
    const config = three.runtime.status().config;
    expect(config).toMatchObject({ revision: second, lastAttemptedRevision: broken, headRevision: broken });
    expect(config.errors[0]).toMatchObject({ file: 'config/services/actors.yaml', line: expect.any(Number) });
    expect(three.runtime.ready()).toBe(true);
    expect(three.runtime.serviceStatus('actors')).toBeDefined();

    const status = await three.app.inject({
      method: 'GET',
      url: '/',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(status.body).toContain(
      `Running last good revision <code>${second.slice(0, 12)}</code>; HEAD <code>${broken.slice(0, 12)}</code> is invalid`,
    );
    expect(status.body).toContain('config/services/actors.yaml:');
    // The levers work on the service of the last good revision (they answered 404 before).
    const sync = await three.app.inject({
      method: 'POST',
      url: '/api/services/actors/sync',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(sync.statusCode).toBe(202);

    // Fixing the head is picked up as usual, and becomes the new last good revision.
    const fixed = await repo.commit({ 'config/services/actors.yaml': actorsYaml(false) }, 'fix typo');
    const refresh = await three.app.inject({
      method: 'POST',
      url: '/api/config/refresh',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(refresh.json()).toMatchObject({ outcome: 'applied', config: { revision: fixed, errors: [] } });
    await three.app.close();
    await three.stop();
  }, 120_000);
});
