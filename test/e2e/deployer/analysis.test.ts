// rollout.analysis through the real deployer process in the local world (issue 15's done-when "canary that
// fails analysis: rolled back, digest remembered"): the deployer reads the CloudWatch stand-in through
// AWS_ENDPOINT_URL_CLOUDWATCH with its production adapters. A canary whose analysis alarm goes to ALARM
// while it bakes is rolled back, the status names the alarm, and the digest is not retried. (A passing
// analysis letting ECS finish is test/integration/local/analysis.test.ts's, cheaper there.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../../deployer/contract/status-model.ts';
import type { DeployerProcess } from '../../support/deployer-process.ts';
import { ACTORS_FILE, type E2eEnvironment, startE2eEnvironment } from '../../support/e2e-environment.ts';
import { worldActorsYaml } from '../../support/local-actors.ts';

const MINUTE_MS = 200;
const ALARM = 'actors-canary-5xx';
const CANARY_WITH_ANALYSIS = [
  '  strategy: canary',
  '  bakeMinutes: 0',
  '  canary: { percent: 10, bakeMinutes: 20 }',
  '  analysis:',
  '    intervalSeconds: 0.1',
  `    alarms: [${ALARM}]`,
  `    errorRate: { loadBalancer: "\${stack:LoadBalancerFullName}", maxPercent: 5, minRequests: 20 }`,
  '',
].join('\n');

describe('deployer e2e: a canary gated by rollout.analysis', { timeout: 90_000 }, () => {
  let e2e: E2eEnvironment;
  let deployer: DeployerProcess;

  const settled = (what: string, test: (service: ServiceStatus) => boolean) =>
    deployer.waitFor(what, (status) =>
      status.services.find((s) => s.name === 'actors' && s.currentRollout === null && test(s)),
    );

  beforeAll(async () => {
    e2e = await startE2eEnvironment({ world: { timing: { minuteMs: MINUTE_MS } } });
    const yaml = worldActorsYaml(e2e.world, {
      verify: { successes: 3, intervalSeconds: 0.1, timeoutSeconds: 20 },
      rolloutTimeoutSeconds: 1800,
    }).replace('  rollback: true\n', `  rollback: true\n${CANARY_WITH_ANALYSIS}`);
    await e2e.repo.commit({ [ACTORS_FILE]: yaml }, 'actors: canary with analysis');
    e2e.world.setAlarm(ALARM, 'OK');
    deployer = await e2e.startDeployer({ RESYNC_INTERVAL_SECONDS: '1' });
    const v100 = e2e.world.registry.resolveImageReference('actors:1.0.0').digest ?? '';
    await settled('actors Synced on 1.0.0', (s) => s.sync.state === 'Synced' && s.live?.digest === v100);
  });
  afterAll(async () => {
    await e2e?.cleanup();
  });

  it('rolls the canary back when its analysis alarm goes to ALARM, names the alarm, and remembers the digest', async () => {
    const before = (await deployer.service('actors')).live?.digest;
    const canary = (await e2e.world.push('actors', '1.1.0')).digest;
    await deployer.waitFor('the canary phase', (status) =>
      status.services.find((s) => s.name === 'actors')?.currentRollout?.strategy?.phase === 'canary 10 %'
        ? true
        : undefined,
    );
    e2e.world.setAlarm(ALARM, 'ALARM');
    const actors = await settled('actors RolledBack by the analysis', (s) =>
      s.failedDigests.some((f) => f.digest === canary),
    );
    expect(actors.recentRollouts[0]).toMatchObject({
      result: 'RolledBack',
      reason: 'StrategyProbeFailed',
      to: { digest: canary },
    });
    expect(actors.sync.message).toContain(`analysis failed: alarm ${ALARM} in ALARM`);
    expect(actors.live?.digest).toBe(before);
    const rolledBack = deployer
      .logs()
      .filter((line) => line.msg === 'strategy gate: rolling the ECS deployment back');
    expect(rolledBack).toHaveLength(1);
    expect(rolledBack[0]).toMatchObject({
      via: 'StopServiceDeployment',
      reason: expect.stringContaining(ALARM),
    });
    // Remembered as failed (asserted above): resyncs do not register it again.
    expect(
      e2e.world.taskDefinitions().filter((td) => JSON.stringify(td.containerDefinitions).includes(canary)),
    ).toHaveLength(1);
  });
});
