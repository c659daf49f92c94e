// Issue 15 item 4: a promotion staging → production through the deployer process. A push of 1.1.0
// rolls out to staging, is verified there, then promoted to production; a broken 1.2.0 fails in staging
// and is refused for production, which stays on 1.1.0 and says why. One deployer, one local world with
// the actors service in two clusters (staging, production), each behind its own load balancer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusTable } from '../../../deployer/cli/format/status-report.ts';
import type { ServiceStatus } from '../../../deployer/contract/status-model.ts';
import { environmentServiceName } from '../../../local/world.ts';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import { ACTORS_FILE, type E2eEnvironment, startE2eEnvironment } from '../../support/e2e-environment.ts';
import { pipelineActorsYaml } from '../../support/local-actors.ts';

const STAGING = 'actors@staging';
const PRODUCTION = 'actors@production';

describe('deployer e2e: promotion staging → production', () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;
  let v100: string;

  const served = async (environment: string) => {
    const response = await fetch(`${e2e.world.serviceUrl(environmentServiceName(environment))}/version`);
    return ((await response.json()) as { digest: string | null }).digest;
  };
  const find = (name: string) => (services: ServiceStatus[]) => services.find((s) => s.name === name);
  /** Task definition revisions registered in an environment's family for a digest. */
  const registered = (environment: string, digest: string) =>
    e2e.world
      .taskDefinitions()
      .filter(
        (td) =>
          td.family === environmentServiceName(environment) &&
          JSON.stringify(td.containerDefinitions).includes(digest),
      ).length;

  beforeAll(async () => {
    e2e = await startE2eEnvironment({
      world: { seed: false, environments: ['staging', 'production'] },
      workload: 'echo',
      initialFiles: (world) => ({ [ACTORS_FILE]: pipelineActorsYaml(world) }),
    });
    v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    deployer = await e2e.startDeployer();
    await deployer.waitFor('both environments Synced on 1.0.0', (status) => {
      const synced = [STAGING, PRODUCTION].map((name) => find(name)(status.services));
      return synced.every((s) => s?.sync.state === 'Synced' && s.live?.digest === v100) ? synced : undefined;
    });
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('rolls 1.1.0 out to staging, verifies it, then promotes it to production', async () => {
    const v110 = (await e2e.world.push('actors', '1.1.0')).digest;
    const production = await deployer.waitFor('production Synced on 1.1.0', (status) => {
      const service = find(PRODUCTION)(status.services);
      return service?.sync.state === 'Synced' && service.live?.digest === v110 ? service : undefined;
    });
    const staging = await deployer.service(STAGING);
    expect(staging.recentRollouts[0]).toMatchObject({ result: 'Succeeded', to: { digest: v110 } });
    // Staging verified first: production's rollout started after staging's ended.
    const stagingEnd = staging.recentRollouts[0]?.finishedAt ?? '';
    expect(production.recentRollouts[0]).toMatchObject({ result: 'Succeeded', to: { digest: v110 } });
    expect((production.recentRollouts[0]?.startedAt ?? '') >= stagingEnd).toBe(true);
    expect(production.pipeline).toMatchObject({
      service: 'actors',
      environment: 'production',
      stages: ['staging', 'production'],
    });
    expect(production.pipeline?.promotion).toMatchObject({
      from: STAGING,
      promoted: { digest: v110, tag: '1.1.0', verifiedAt: stagingEnd },
      refused: [],
    });
    expect(await served('staging')).toBe(v110);
    expect(await served('production')).toBe(v110);
  });

  it('refuses a 1.2.0 that failed in staging: production stays on 1.1.0 and says why', async () => {
    const v110 = e2e.world.registry.resolveImageReference('actors:1.1.0').digest ?? '';
    const broken = (await e2e.world.push('actors', '1.2.0', { broken: true })).digest;
    await deployer.waitFor(
      'staging remembers 1.2.0 as failed',
      (status) => find(STAGING)(status.services)?.failedDigests.find((f) => f.digest === broken),
      40_000,
    );
    const production = await deployer.waitFor(
      'production refuses 1.2.0',
      (status) => {
        const service = find(PRODUCTION)(status.services);
        return service?.pipeline?.promotion?.refused.some((r) => r.digest === broken) ? service : undefined;
      },
      40_000,
    );
    expect(production.pipeline?.promotion?.refused).toEqual([
      expect.objectContaining({ digest: broken, tag: '1.2.0', environment: STAGING }),
    ]);
    expect(production.pipeline?.promotion?.promoted?.digest).toBe(v110);
    expect(production.live?.digest).toBe(v110);
    expect(production.sync.state).toBe('Synced');
    // Never rolled out to production: no revision of its family ever named the broken digest.
    expect(registered('production', broken)).toBe(0);
    expect(registered('staging', broken)).toBe(1);
    expect(await served('production')).toBe(v110);
    // What `npx ecs-gitops status` prints from this status: the pipeline and why 1.2.0 stopped.
    expect(statusTable(await deployer.status())).toMatch(
      /Pipelines:\n {2}actors: staging 1\.1\.0@\w+ \w+ → production 1\.1\.0@\w+ Synced \(refused 1\.2\.0 \(\w+ in staging\)\)/,
    );
  });
});
