// One aws-mode deployer process over one local world and one git config repository, taken through the
// scenarios that need nothing else (each was a file of its own with its own world and deployer; a
// deployer start costs ~2.5 s of CPU, issue 14). The scenarios run in this order, each starting from
// actors Synced under `semver: ^1.0.0`, and each leaving it so:
// - acceptance 1: an ECR push of 1.1.0 is rolled out, verified through the load balancer, the CDN
//   invalidated, and the status Synced;
// - acceptance 5: forged, replayed and malformed webhooks are rejected and queue nothing; a commit with
//   an invalid config is rejected with file:line errors in status while the previous config stays;
// - principle 1 (level-triggered): a reordered GitHub delivery (an older push arriving after a newer
//   one) does not bring the older commit's config back;
// - the manual levers: rollback by API returns to the previous revision and suspends tracking (a newer
//   push is not rolled out), resume rolls forward again;
// - acceptance 2: a signed push whose commit pins 1.0.0 rolls actors back; newer images are ignored
//   while pinned; a commit removing the pin resumes tracking;
// - SIGTERM stops it with exit code 0, and its output never held the token or the webhook secret.
// Counters and log lines are read relative to what the earlier scenarios left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import { type DeployerProcess, syncedOn } from '../../support/deployer-process.ts';
import {
  ACTORS_FILE,
  E2E_SECRET,
  E2E_TOKEN,
  type E2eEnvironment,
  servedVersion,
  startE2eEnvironment,
} from '../../support/e2e-environment.ts';
import { githubDelivery, pushPayload } from '../../support/github-webhook.ts';

const REPOSITORY = 'example/ecs-gitops-config';

describe('deployer e2e: one aws-mode deployer process, scenario after scenario', () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;
  const digests: Record<string, string> = {};

  /** actors Synced on `digest` with no rollout in flight. */
  const settledOn = (digest: string, what: string) => deployer.waitFor(what, syncedOn('actors', digest));
  const push = async (tag: string) => {
    digests[tag] = (await e2e.world.push('actors', tag)).digest;
    return digests[tag];
  };
  /** Pushes `tag` and waits until the deployer has received its ECR event. */
  const pushSeen = async (tag: string) => {
    const seen = await deployer.eventCount('ecr');
    const digest = await push(tag);
    await expect
      .poll(() => deployer.eventCount('ecr'), { timeout: 10_000, interval: 50 })
      .toBeGreaterThan(seen);
    return digest;
  };
  /** Waits until the deployer has received `count` GitHub events in all (also from a hook). */
  const waitForGithubEvents = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while ((await deployer.eventCount('github')) < count) {
      if (Date.now() > deadline) throw new Error(`the deployer did not receive ${count} github events`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /** Commits actors.yaml and sends GitHub's signed push for the commit. */
  const commitAndNotify = async (yaml: string, message: string, deliveryId: string) => {
    const before = await e2e.repo.git('rev-parse', 'HEAD');
    const after = await e2e.repo.commit({ [ACTORS_FILE]: yaml }, message);
    const answer = await deployer.signedPush(
      'push',
      pushPayload({ before, after, repository: REPOSITORY, files: [ACTORS_FILE] }),
      deliveryId,
    );
    expect(answer).toEqual({ status: 202, body: { queued: true, deliveryId } });
    return after;
  };

  beforeAll(async () => {
    // The echo task plays the actors images: the claims are the deployer's (the same /health and
    // /version from the same env, ~0.12 CPU-s a task start instead of the actors service's ~0.35; the
    // actors service itself is test/integration/service/'s and the quick start's).
    e2e = await startE2eEnvironment({ workload: 'echo' });
    digests['1.0.0'] = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    deployer = await e2e.startDeployer();
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  describe('an ECR push under a semver policy (acceptance 1)', () => {
    it('starts Synced on the seeded 1.0.0 and reports ready', async () => {
      await settledOn(digests['1.0.0'] ?? '', 'actors Synced on 1.0.0');
      const ready = await fetch(`${deployer.url}/readyz`);
      expect(ready.status).toBe(200);
    });

    it('rolls out 1.1.0 after the push: /version reports its digest, one invalidation, Synced', async () => {
      const before = e2e.world.invalidations().length;
      const pushed = await push('1.1.0');
      const actors = await settledOn(pushed, 'actors Synced on 1.1.0');
      expect(actors.desired).toMatchObject({ digest: pushed, tag: '1.1.0' });
      expect(actors.recentRollouts[0]).toMatchObject({ result: 'Succeeded', to: { digest: pushed } });
      expect((await servedVersion(e2e.world)).digest).toBe(pushed);
      const invalidations = e2e.world.invalidations().slice(before);
      expect(invalidations).toHaveLength(1);
      expect(invalidations[0]).toMatchObject({
        distributionId: 'ELOCALACTORS',
        callerReference: actors.recentRollouts[0]?.id,
      });

      const metrics = await deployer.metrics();
      expect(metrics).toMatch(/ecs_gitops_rollouts_total\{service="actors",result="Succeeded"\} 1/);
      expect(metrics).toMatch(/ecs_gitops_events_total\{source="ecr"\} [1-9]/);
    });
  });

  describe('hostile webhooks and an invalid config commit (acceptance 5)', () => {
    it('rejects forged (401), malformed (400) and replayed (duplicate, also under a new id) deliveries; only one is queued', async () => {
      const seen = await deployer.eventCount('github');
      const logMark = deployer.logs().length;
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
      await waitForGithubEvents(seen + 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await deployer.eventCount('github')).toBe(seen + 1);
      const log = deployer
        .logs()
        .slice(logMark)
        .filter((line) => line.msg === 'github delivery');
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
      expect(actors).toMatchObject({ sync: { state: 'Synced' }, live: { digest: digests['1.1.0'] } });
    });
  });

  // Fixed in deployer/runtime/intake.ts: a push makes intake read the tracked branch head, never the
  // delivery's `after`, so every push is a pure "look now" hint.
  describe('reordered push deliveries (principle 1, level-triggered)', () => {
    let unpinned: string;
    let after: DeployerStatus;

    // Everything but the verdict happens here; the test below only judges the resulting status.
    beforeAll(async () => {
      const seen = await deployer.eventCount('github');
      const base = await e2e.repo.git('rev-parse', 'HEAD');
      const pinned = await e2e.repo.commit({ [ACTORS_FILE]: e2e.actorsYaml({ pin: '1.0.0' }) }, 'pin 1.0.0');
      unpinned = await e2e.repo.commit({ [ACTORS_FILE]: e2e.actorsYaml({ semver: '^1.0.0' }) }, 'unpin');

      // GitHub delivers the newer push first and the older one second.
      const newer = pushPayload({ before: pinned, after: unpinned, files: [ACTORS_FILE] });
      const older = pushPayload({ before: base, after: pinned, files: [ACTORS_FILE] });
      const first = await deployer.webhook(
        githubDelivery(E2E_SECRET, 'push', newer, { deliveryId: 'newer' }),
      );
      if (first.status !== 202) throw new Error(`newer delivery answered ${first.status}`);
      await waitForGithubEvents(seen + 1);
      const second = await deployer.webhook(
        githubDelivery(E2E_SECRET, 'push', older, { deliveryId: 'older' }),
      );
      if (second.status !== 202) throw new Error(`older delivery answered ${second.status}`);
      await waitForGithubEvents(seen + 2);
      // Until the intake has handled the older delivery (deployer/runtime/intake.ts logs how, with its
      // delivery id): it read the branch head, found that revision handled, and left it in force. A
      // deployer that applied the delivery's own commit never logs this: the wait fails instead.
      const handled = [
        'config at this revision already handled',
        'config applied before; queueing its reconciles again',
      ];
      const deadline = Date.now() + 10_000;
      while (
        !deployer.logs().some((line) => line.deliveryId === 'older' && handled.includes(String(line.msg)))
      ) {
        if (Date.now() > deadline)
          throw new Error(`the older delivery was not handled:\n${deployer.output().slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      after = await deployer.status();
    });

    it('an older push delivered last does not bring back the older config', () => {
      expect(after.config.revision).toBe(unpinned);
      expect(after.config.errors).toEqual([]);
      const actors = after.services.find((s) => s.name === 'actors');
      expect(actors?.desired?.policy).toMatchObject({ semver: '^1.0.0' });
      expect(actors?.live?.digest).toBe(digests['1.1.0']);
    });
  });

  describe('rollback, suspend and resume through the API', () => {
    const api = (action: string, body?: unknown) => deployer.post(`/api/services/actors/${action}`, body);

    it('rollback returns to the previous revision and suspends tracking', async () => {
      const answer = await api('rollback');
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ service: 'actors', action: 'rollback', accepted: true });
      // Suspended, so not Synced: live on 1.0.0 with nothing in flight.
      const v100 = digests['1.0.0'];
      const actors = await deployer.waitFor('actors rolled back to 1.0.0', (status) =>
        status.services.find((s) => s.live?.digest === v100 && s.currentRollout === null),
      );
      expect(actors.suspended).toBe(true);
      await e2e.world.waitForRollout('actors', 10_000);
      expect((await servedVersion(e2e.world)).digest).toBe(digests['1.0.0']);
    });

    it('a newer push is not rolled out while suspended', async () => {
      const v120 = await pushSeen('1.2.0');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const actors = await deployer.service('actors');
      expect(actors.live?.digest).toBe(digests['1.0.0']);
      expect(e2e.world.taskDefinitions().some((td) => JSON.stringify(td).includes(v120))).toBe(false);
    });

    it('resume rolls forward to the newest tracked image', async () => {
      const answer = await api('resume');
      expect(answer.status).toBe(202);
      const actors = await settledOn(digests['1.2.0'] ?? '', 'actors Synced on 1.2.0');
      expect(actors.suspended).toBe(false);
    });

    it('rejects a rollback body with unknown fields and a call without the token', async () => {
      expect((await api('rollback', { too: 'actors:1' })).status).toBe(400);
      const anonymous = await fetch(`${deployer.url}/api/services/actors/suspend`, { method: 'POST' });
      expect(anonymous.status).toBe(401);
      expect((await deployer.service('actors')).suspended).toBe(false);
    });
  });

  describe('pin and unpin through git pushes (acceptance 2)', () => {
    it('a pushed commit pinning 1.0.0 rolls actors back to 1.0.0', async () => {
      const v100 = digests['1.0.0'] ?? '';
      const sha = await commitAndNotify(e2e.actorsYaml({ pin: '1.0.0' }), 'pin actors to 1.0.0', 'pin-1');
      const actors = await settledOn(v100, 'actors back on 1.0.0');
      expect(actors.desired).toMatchObject({ digest: v100, policy: { pin: '1.0.0' } });
      expect(actors.recentRollouts[0]).toMatchObject({ result: 'Succeeded', configRevision: sha });
      const status = await deployer.status();
      expect(status.config).toMatchObject({ revision: sha, lastAppliedRevision: sha, errors: [] });
      expect((await servedVersion(e2e.world)).digest).toBe(v100);
    });

    it('a newer image is ignored while pinned', async () => {
      // The push event is received and handled…
      const v130 = await pushSeen('1.3.0');
      await new Promise((resolve) => setTimeout(resolve, 500));
      // …but nothing is registered for 1.3.0 and actors stays on 1.0.0.
      expect(e2e.world.taskDefinitions().some((td) => JSON.stringify(td).includes(v130))).toBe(false);
      const actors = await deployer.service('actors');
      expect(actors).toMatchObject({
        live: { digest: digests['1.0.0'] },
        desired: { digest: digests['1.0.0'] },
        sync: { state: 'Synced' },
      });
    });

    it('a pushed commit removing the pin resumes tracking (1.3.0)', async () => {
      const v130 = digests['1.3.0'] ?? '';
      await commitAndNotify(e2e.actorsYaml({ semver: '^1.0.0' }), 'track ^1.0.0 again', 'unpin-1');
      const actors = await settledOn(v130, 'actors on 1.3.0 after unpinning');
      expect(actors.desired).toMatchObject({ tag: '1.3.0', policy: { semver: '^1.0.0' } });
      expect((await servedVersion(e2e.world)).digest).toBe(v130);
    });
  });

  describe('stopping', () => {
    it('never wrote the status token or the webhook secret to its output', () => {
      expect(deployer.output()).not.toContain(E2E_TOKEN);
      expect(deployer.output()).not.toContain(E2E_SECRET);
    });

    it('stops cleanly on SIGTERM with exit code 0', async () => {
      expect(await deployer.stop('SIGTERM')).toBe(0);
      expect(deployer.logs().some((line) => line.msg === 'deployer stopped')).toBe(true);
    });
  });
});
