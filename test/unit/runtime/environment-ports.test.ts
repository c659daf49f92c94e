// An environment in another account (roleArn) is deployed through its own ports, everywhere the runtime
// touches it: reads, the upstream records of its promotion, the rollout, and the API levers. Two fake
// ECS accounts: the deployer's (staging) and production's, reached only through environmentPorts.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeployerStatus } from '../../../deployer/contract/status-model.ts';
import type { EnvironmentTarget } from '../../../deployer/runtime/environment-ports.ts';
import { FakeEcs, REGISTRY_HOST } from '../../support/fakes/index.ts';
import { runtimeOverFakes, stopRuntimes } from '../../support/runtime-over-fakes.ts';
import { untilStatus } from '../../support/until-status.ts';

afterEach(stopRuntimes);

const ROLE = 'arn:aws:iam::444455556666:role/ecs-gitops-production';
const PIPELINE = `name: actors
cluster: staging
service: actors-staging
container: actors
image:
  repository: actors
  track: { semver: "^1.0.0" }
verify:
  url: https://actors-staging.test/version
  successes: 1
  intervalSeconds: 0.1
environments:
  staging: {}
  production:
    cluster: production
    service: actors-production
    roleArn: ${ROLE}
    verify: { url: https://actors-production.test/version }
    promote: { from: staging }
`;

function setup() {
  const world = runtimeOverFakes();
  const production = new FakeEcs(world.clock);
  const v1 = world.registry.push('actors', '1.0.0');
  const image = `${REGISTRY_HOST}/actors@${v1}`;
  world.ecs.seed({ cluster: 'staging', service: 'actors-staging', container: 'actors', image });
  production.seed({ cluster: 'production', service: 'actors-production', container: 'actors', image });
  world.configSource.commit('a'.repeat(40), [{ path: 'services/actors.yaml', text: PIPELINE }]);
  // Each environment's /version reports what its own account serves.
  world.probe.answer = (url) => ({
    status: 200,
    body: {
      digest: url.includes('actors-production')
        ? production.servedDigest('actors-production', 'production')
        : world.ecs.servedDigest('actors-staging', 'staging'),
    },
  });
  const targets: EnvironmentTarget[] = [];
  const runtime = world.boot({
    environmentPorts: (target) => {
      targets.push(target);
      return { ecs: production, cdn: world.cdn };
    },
  });
  return { ...world, production, runtime, targets, v1 };
}

const service = (status: DeployerStatus, name: string) => status.services.find((s) => s.name === name);

describe('environment ports', () => {
  it('reconciles, promotes into and operates on an environment through its own account’s ports', async () => {
    const world = setup();
    await world.runtime.start();
    await untilStatus(world.runtime, (s) =>
      ['actors@staging', 'actors@production'].every((name) => service(s, name)?.sync.state === 'Synced'),
    );
    const v11 = world.registry.push('actors', '1.1.0');
    await world.runtime.enqueue(
      { kind: 'image-push', repository: 'actors', digest: v11, tag: '1.1.0', pushedAt: '' },
      AbortSignal.timeout(1000),
    );
    const status = await untilStatus(
      world.runtime,
      (s) => service(s, 'actors@production')?.live?.digest === v11,
    );
    expect(service(status, 'actors@production')?.pipeline?.promotion?.promoted?.digest).toBe(v11);
    // Production's revision was registered in its own account, staging's in the deployer's.
    expect(world.production.registrations.map((r) => r.family)).toEqual(['actors-production']);
    expect(world.ecs.registrations.map((r) => r.family)).toEqual(['actors-staging']);
    expect(world.production.servedDigest('actors-production', 'production')).toBe(v11);
    expect(world.targets).toContainEqual({ roleArn: ROLE });

    // The API levers reach the same account: a suspension is a tag on production's live revision.
    world.runtime.suspend('actors@production');
    const live = world.production.primaryArn('actors-production', 'production');
    await expect
      .poll(() => world.production.revisions.get(live)?.tags['ecs-gitops:suspended'])
      .toBe('SuspendedByApi');
  });
});
