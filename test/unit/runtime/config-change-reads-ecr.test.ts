// A config change is compared against ECR as it is now, not against the image lists the resync passes
// keep between passes (repository-images.ts, refreshed by ECR events and every 20th pass). A pin of a
// tag whose push sent no event (pushed before the deployer watched, or its event lost) must roll out
// with the commit that pins it, not up to 20 resync intervals later. Found by
// test/resilience/queue-outages.test.ts when the cache landed.
import { afterEach, expect, it } from 'vitest';
import { createScaleWorld, type ScaleWorld } from '../../../bench/support/scale-world.ts';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import { serviceYaml, silentLogger } from '../../support/fakes/index.ts';
import { runtimeOverFakes, stopRuntimes } from '../../support/runtime-over-fakes.ts';
import { untilStatus } from '../../support/until-status.ts';

const scaleWorlds: ScaleWorld[] = [];
afterEach(async () => {
  await stopRuntimes();
  await Promise.all(scaleWorlds.splice(0).map((world) => world.runtime.stop()));
});

const actors = (status: DeployerStatus) => status.services.find((s) => s.name === 'actors');

it('a commit pinning a tag pushed without an ECR event rolls it out, although a pass cached the repository before', async () => {
  const world = runtimeOverFakes();
  world.seedActors();
  const runtime = world.boot();
  await runtime.start();
  await untilStatus(runtime, (s) => actors(s)?.sync.state === 'Synced');
  // A periodic resync (no new config): its pass reads the repository and keeps what it read.
  await runtime.enqueue({ kind: 'resync', reason: 'periodic' }, AbortSignal.timeout(1000));
  await untilStatus(runtime, (s) => actors(s)?.sync.state === 'Synced');

  const v11 = world.registry.push('actors', '1.1.0'); // no ECR event reaches the deployer
  world.configSource.commit('b'.repeat(40), [
    { ...serviceYaml({ pin: '1.1.0' }), path: 'services/actors.yaml' },
  ]);
  await runtime.enqueue(
    { kind: 'git-push', deliveryId: 'pin', after: 'b'.repeat(40) },
    AbortSignal.timeout(1000),
  );

  const status = await untilStatus(
    runtime,
    (s) => actors(s)?.live?.digest === v11 && actors(s)?.sync.state === 'Synced',
  );
  expect(actors(status)?.desired?.digest).toBe(v11);
});

// Issue 17: at 10,000 services one edited file cost 10,000 DescribeImages (every repository of the
// config read fresh). Only the services a change adds or edits are compared against ECR as it is now.
it('a config change reads from ECR only the repositories of the services it adds or edits', async () => {
  // No repository's periodic turn falls in this test: what is read is what the config change asks.
  const world = createScaleWorld({
    services: 25,
    logger: silentLogger,
    tuning: { ecrRereadEveryPasses: 1_000_000 },
  });
  scaleWorlds.push(world);
  await world.runtime.start();
  await world.queue.idle(50);
  world.queue.inject({ kind: 'resync', reason: 'periodic' }, 'pass-1'); // every repository is cached
  await world.queue.idle(50);

  // Pushed without ECR events: the edited service must see its push; the others keep the cached list.
  const edited = 'svc-0007';
  const untouched = 'svc-0008';
  const v2 = world.registry.push(edited, '2.0.0');
  world.registry.push(untouched, '2.0.0');
  const untouchedBefore = world.ecs.liveImage('gitops', untouched);
  const added = 'svc-0026';
  const v26 = world.registry.push(added, '1.0.0');
  world.ecs.seed({
    cluster: 'gitops',
    service: added,
    container: 'app',
    image: `${world.registry.uri(added)}@${v26}`,
  });
  const files = world.config.files.map((file) =>
    file.path === `services/${edited}.yaml`
      ? { ...file, text: file.text.replace('track: { latest: true }', 'pin: "2.0.0"') }
      : file,
  );
  const template = files.find((file) => file.path === 'services/svc-0001.yaml');
  files.push({ path: `services/${added}.yaml`, text: template?.text.replaceAll('svc-0001', added) ?? '' });
  world.config.commit('b'.repeat(40), files);
  const from = world.registry.describedRepositories.length;
  world.queue.inject({ kind: 'git-push', deliveryId: 'edit', after: 'b'.repeat(40) }, 'edit');
  await world.queue.idle(50);

  // The triage's fresh reads of the two, then the reconcile of the edited one (it reads ECR itself).
  expect(world.registry.describedRepositories.slice(from).sort()).toEqual([edited, edited, added]);
  expect(world.ecs.liveImage('gitops', edited)).toContain(v2);
  expect(world.ecs.liveImage('gitops', untouched)).toBe(untouchedBefore);
});
