// Acceptance 5: forged, replayed and malformed webhooks are rejected and queue nothing; a commit
// with an invalid config is rejected with file:line errors in status while the previous config stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import {
  ACTORS_FILE,
  E2E_SECRET,
  E2E_TOKEN,
  type E2eEnvironment,
  startE2eEnvironment,
} from '../../support/e2e-environment.ts';
import { githubDelivery, pushPayload } from '../../support/github-webhook.ts';

describe('deployer e2e: hostile webhooks and an invalid config commit', () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;
  let v100: string;

  const githubEvents = () => deployer.eventCount('github');

  beforeAll(async () => {
    e2e = await startE2eEnvironment();
    v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    deployer = await e2e.startDeployer();
    await deployer.waitFor('actors Synced on 1.0.0', (status) =>
      status.services.find((s) => s.sync.state === 'Synced' && s.live?.digest === v100),
    );
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('rejects forged (401), malformed (400) and replayed (duplicate, also under a new id) deliveries; only one is queued', async () => {
    const head = await e2e.repo.git('rev-parse', 'HEAD');
    const payload = pushPayload({ after: head, files: [ACTORS_FILE] });

    const forged = githubDelivery('guessed-secret', 'push', payload);
    expect(await deployer.webhook(forged)).toMatchObject({
      status: 401,
      body: { error: { code: 'SIGNATURE_INVALID' } },
    });

    const unsigned = githubDelivery(E2E_SECRET, 'push', payload);
    const { 'x-hub-signature-256': _, ...headers } = unsigned.headers;
    expect((await deployer.webhook({ headers, body: unsigned.body })).status).toBe(401);

    const malformed = githubDelivery(E2E_SECRET, 'push', '{"ref": "refs/heads/main", "after":');
    expect(await deployer.webhook(malformed)).toMatchObject({
      status: 400,
      body: { error: { code: 'EVENT_INVALID' } },
    });

    const genuine = githubDelivery(E2E_SECRET, 'push', payload, { deliveryId: 'genuine-1' });
    expect(await deployer.webhook(genuine)).toEqual({
      status: 202,
      body: { queued: true, deliveryId: 'genuine-1' },
    });
    expect(await deployer.webhook(genuine)).toEqual({
      status: 202,
      body: { duplicate: true, deliveryId: 'genuine-1' },
    });
    // The same signed body replayed under a new delivery id is a duplicate too.
    const replayed = githubDelivery(E2E_SECRET, 'push', payload, { deliveryId: 'replayed-2' });
    expect(await deployer.webhook(replayed)).toEqual({
      status: 202,
      body: { duplicate: true, deliveryId: 'replayed-2' },
    });

    // The genuine delivery is received exactly once, and nothing else arrives after it.
    await expect.poll(githubEvents, { timeout: 10_000, interval: 100 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await githubEvents()).toBe(1);
    const log = deployer.logs().filter((line) => line.msg === 'github delivery');
    expect(log.map((line) => line.outcome)).toEqual([
      'bad-signature',
      'bad-signature',
      'malformed',
      'queued',
      'duplicate',
      'duplicate',
    ]);
    expect(deployer.output()).not.toContain('refs/heads/main", "after":');
  });

  it('rejects an invalid config commit with file:line errors and keeps the previous config', async () => {
    const good = (await deployer.status()).config.revision;
    const before = await e2e.repo.git('rev-parse', 'HEAD');
    const invalid = e2e.actorsYaml().replace('container: actors', 'container: actors\nreplicas: 3');
    const bad = await e2e.repo.commit({ [ACTORS_FILE]: invalid }, 'typo in config');
    const answer = await deployer.signedPush(
      'push',
      pushPayload({ before, after: bad, files: [ACTORS_FILE] }),
      'bad-1',
    );
    expect(answer.status).toBe(202);

    const config = await deployer.waitFor('the invalid commit to be rejected', (status) =>
      status.config.lastAttemptedRevision === bad && status.config.errors.length > 0
        ? status.config
        : undefined,
    );
    expect(config.revision).toBe(good);
    expect(config.lastAppliedRevision).toBe(good);
    expect(config.errors[0]).toMatchObject({
      file: expect.stringContaining('actors.yaml'),
      line: 5,
      field: expect.any(String),
    });
    expect(config.errors[0]?.message).toContain('replicas');

    const actors = await deployer.service('actors');
    expect(actors).toMatchObject({ sync: { state: 'Synced' }, live: { digest: v100 } });
  });

  it('never writes the status token or the webhook secret to its output', () => {
    expect(deployer.output()).not.toContain(E2E_TOKEN);
    expect(deployer.output()).not.toContain(E2E_SECRET);
  });
});
