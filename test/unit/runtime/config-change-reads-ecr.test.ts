// A config change is compared against ECR as it is now, not against the image lists the resync passes
// keep between passes (repository-images.ts, refreshed by ECR events and every 20th pass). A pin of a
// tag whose push sent no event (pushed before the deployer watched, or its event lost) must roll out
// with the commit that pins it, not up to 20 resync intervals later. Found by
// test/resilience/queue-outages.test.ts when the cache landed.
import { afterEach, expect, it } from 'vitest';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import { serviceYaml } from '../../support/fakes/index.ts';
import { runtimeOverFakes, stopRuntimes } from '../../support/runtime-over-fakes.ts';
import { untilStatus } from '../../support/until-status.ts';

afterEach(stopRuntimes);

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
