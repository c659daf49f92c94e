// Config intake across deployer restarts, over the local world (ECS, ECR, CloudFront, SQS and SSM
// stand-ins) and a real git repository: each "restart" is a fresh runtime with empty memory, so
// whatever it knows comes from git and AWS, as after a task replacement.
// - a config change made while no deployer runs is picked up at start, with no push;
// - a restart while the branch head is invalid runs the last good revision recorded in SSM, visibly
//   (status + dashboard say "running last good revision X; HEAD Y is invalid"), and sync works.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../deployer/adapters/aws/clients.ts';
import { SsmLastGoodConfig } from '../../deployer/adapters/aws/ssm-last-good-config.ts';
import { buildServer } from '../../deployer/http/server.ts';
import type { LocalWorld } from '../../local/world.ts';
import { ConfigRepo } from '../support/config-repo.ts';
import { worldActorsYaml } from '../support/local-actors.ts';
import { startWorldForRuntimes, type WorldForRuntimes } from '../support/runtime-on-world.ts';

const silent = pino({ level: 'silent' });
const TOKEN = 'restart-test-token-0123456789';
const CAP = { timeout: 30_000, interval: 50 };
let world: LocalWorld;
let deployers: WorldForRuntimes;
let repo: ConfigRepo;

const actorsYaml = (suspended: boolean) =>
  worldActorsYaml(world, { verify: { successes: 1, intervalSeconds: 0.1, timeoutSeconds: 20 }, suspended });

beforeAll(async () => {
  repo = await ConfigRepo.create();
  deployers = await startWorldForRuntimes({
    name: 'config-restart',
    // Each deployer keeps its own mirror of the repository: a replacement task starts without the
    // earlier one's.
    config: { repository: repo.dir },
    // A stopped deployer's last long poll may still take a message (SQS hands it to the connection
    // even when the client has gone): with the template's 60 s visibility the next deployer would
    // see it only after the test's cap. 2 s keeps the redelivery inside it.
    visibilityTimeoutSeconds: 2,
  });
  world = deployers.world;
}, 60_000);

afterAll(async () => {
  await deployers?.stop();
  await repo?.remove();
});

/** A deployer as main.ts builds it (production adapters over the world's endpoints), started, with its HTTP app. */
async function startDeployer() {
  const deployer = await deployers.startDeployer({
    env: { WAIT_POLL_MS: '100', STATUS_TOKEN: TOKEN },
    tuning: { receiveWaitSeconds: 1 },
  });
  return {
    ...deployer,
    app: buildServer({ runtime: deployer.runtime, settings: deployer.settings, logger: silent }),
  };
}

describe('config intake across restarts', () => {
  it('picks up at start a config committed while no deployer ran, and after a restart on an invalid head runs the last good revision from SSM', async () => {
    const first = await repo.commit({ 'config/services/actors.yaml': actorsYaml(false) }, 'actors');
    const one = await startDeployer();
    await expect.poll(() => one.runtime.status().config.revision, CAP).toBe(first);
    await expect.poll(() => one.runtime.serviceStatus('actors')?.sync.state, CAP).toBe('Synced');
    await one.stop();

    // Down: a commit nobody is told about (no webhook).
    const second = await repo.commit({ 'config/services/actors.yaml': actorsYaml(true) }, 'suspend actors');
    const two = await startDeployer();
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
    const three = await startDeployer();
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
    // `unchanged` when the deployer's own poll of the branch applied the fix first (seen in CI): either
    // way the fixed revision is the one in force, with no errors.
    expect(refresh.json()).toMatchObject({
      outcome: expect.stringMatching(/^(applied|unchanged)$/),
      config: { revision: fixed, errors: [] },
    });
    await three.app.close();
    await three.stop();
  }, 120_000);
});
