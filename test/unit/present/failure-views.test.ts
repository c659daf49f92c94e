// What a user reads about a failure and a verification in progress: `status <service>`, `sync --wait`
// and the dashboard card show the same facts from the status (issue 18 items 4 and 5).
import { describe, expect, it } from 'vitest';
import { waitForReconcile } from '../../../deployer/cli/commands/wait-for-reconcile.ts';
import { serviceDetail } from '../../../deployer/cli/format/status-report.ts';
import { checkDeployerStatus } from '../../../deployer/contract/check-status.ts';
import type {
  RolloutFailureStatus,
  ServiceStatus,
  VerifyProgress,
} from '../../../deployer/contract/status-model.ts';
import { serviceCard } from '../../../deployer/http/dashboard/service-card.ts';
import { verifyProgressText } from '../../../deployer/present/verify-progress-text.ts';
import { fakeDeployerStatus, fakeServiceStatus } from '../../support/fake-runtime.ts';

const NEW = `sha256:${'a'.repeat(64)}`;
const OLD = `sha256:${'b'.repeat(64)}`;
const NOW = Date.parse('2026-01-01T00:00:10Z');

const progress: VerifyProgress = {
  url: 'https://d111.cloudfront.net/version',
  probe: 3,
  maxProbes: 13,
  streak: 0,
  successesNeeded: 3,
  expectedDigest: NEW,
  lastStatus: 200,
  lastDigest: OLD,
  lastAnswer: 'reported digest sha256:bbbbbbbbbbbb',
  deadline: '2026-01-01T00:00:57Z',
};

const failure: RolloutFailureStatus = {
  rolloutId: 'ro-1',
  digest: NEW,
  reason: 'DeploymentFailed',
  at: '2026-01-01T00:00:05Z',
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/actors:7',
  stoppedTasks: [
    {
      taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/gitops/0123456789abcdef',
      taskId: '0123456789abcdef',
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited',
      containers: [{ name: 'actors', exitCode: 1 }],
      logLines: ['listening', 'Error: <script>DATABASE_URL</script> is not set'],
      logs: {
        group: '/ecs/actors',
        stream: 'actors/actors/0123456789abcdef',
        url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:x',
      },
      url: 'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/gitops/tasks/0123456789abcdef/configuration?region=eu-west-1',
    },
  ],
  deploymentsUrl:
    'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/gitops/services/actors/deployments?region=eu-west-1',
  notes: [],
};

function verifying(): ServiceStatus {
  return fakeServiceStatus('actors', {
    currentRollout: {
      id: 'ro-2',
      step: 'Verifying',
      startedAt: '2026-01-01T00:00:00Z',
      from: null,
      to: { image: `actors@${NEW}`, digest: NEW },
      verify: progress,
    },
  });
}

describe('verification progress', () => {
  it('verifyProgressText says probe n of m, the streak, which digest answered and the time left', () => {
    expect(verifyProgressText(progress, NOW)).toBe(
      'probe 3 of 13 · 0 of 3 good in a row · last: reported digest sha256:bbbbbbbbbbbb (bbbbbbbbbbbb is not the new aaaaaaaaaaaa) · 47 s left',
    );
  });

  it('serviceDetail shows the verification line while verifying', () => {
    expect(serviceDetail(verifying(), NOW)).toContain(
      'Verifying: https://d111.cloudfront.net/version  probe 3 of 13 · 0 of 3 good in a row',
    );
  });

  it('waitForReconcile prints each probe once while verifying', async () => {
    let stderr = '';
    const answers = [
      verifying(),
      verifying(),
      {
        ...verifying(),
        currentRollout: {
          ...verifying().currentRollout!,
          verify: {
            ...progress,
            probe: 4,
            streak: 1,
            lastDigest: NEW,
            lastAnswer: 'HTTP 200, reports the new digest',
          },
        },
      },
      fakeServiceStatus('actors', { lastReconciledAt: '2026-01-01T00:01:00Z' }),
    ];
    let reads = 0;
    await waitForReconcile({
      io: {
        stdout: () => undefined,
        stderr: (text) => {
          stderr += text;
        },
        env: {},
        cwd: '/',
      },
      service: 'actors',
      before: null,
      timeoutSeconds: 60,
      read: async () => answers[Math.min(reads++, answers.length - 1)] as ServiceStatus,
      // Time stands still: every probe line says the same time left.
      clock: { now: () => new Date(NOW), sleep: async () => undefined },
    });
    expect(stderr.split('\n').filter((line) => line.includes('probe'))).toEqual([
      'actors: probe 3 of 13 · 0 of 3 good in a row · last: reported digest sha256:bbbbbbbbbbbb (bbbbbbbbbbbb is not the new aaaaaaaaaaaa) · 47 s left',
      'actors: probe 4 of 13 · 1 of 3 good in a row · last: HTTP 200, reports the new digest · 47 s left',
    ]);
  });

  it('the dashboard card shows the verification progress under the step bar', () => {
    const card = serviceCard(verifying()).value;
    expect(card).toContain('class="verify-progress" data-probe="3"');
    expect(card).toContain('probe 3 of 13 · 0 of 3 good in a row');
  });
});

describe('why the last rollout failed', () => {
  const failed = () =>
    fakeServiceStatus('actors', {
      sync: {
        state: 'Failed',
        reason: 'DeploymentFailed',
        message: 'tasks failed to start',
        since: '2026-01-01T00:00:05Z',
      },
      lastFailure: failure,
    });

  it('the status with a failure and a verification in progress passes the status schema', () => {
    const status = fakeDeployerStatus({
      services: [{ ...failed(), currentRollout: verifying().currentRollout }],
    });
    expect(checkDeployerStatus(status)).toMatchObject({ ok: true });
  });

  it('serviceDetail lists each stopped task with its exit code, last log lines and links', () => {
    const text = serviceDetail(failed(), NOW);
    expect(text).toContain('Why the last rollout failed (DeploymentFailed, aaaaaaaaaaaa');
    expect(text).toContain(
      '  task 0123456789abcdef: Essential container in task exited [EssentialContainerExited]',
    );
    expect(text).toContain('    container actors exit code 1');
    expect(text).toContain('    last log lines (/ecs/actors actors/actors/0123456789abcdef):');
    expect(text).toContain('      | Error: <script>DATABASE_URL</script> is not set');
    expect(text).toContain(`  ECS deployments: ${failure.deploymentsUrl}`);
    expect(text).toContain(`    task: ${failure.stoppedTasks[0]?.url}`);
  });

  it('serviceDetail quotes why each failed digest failed, and the status schema accepts it', () => {
    const service = fakeServiceStatus('actors', {
      failedDigests: [
        {
          digest: `sha256:${'b'.repeat(64)}`,
          reason: 'StrategyProbeFailed',
          failedAt: '2026-01-01T00:00:05Z',
          rolloutId: 'ro-1',
          message: 'analysis failed: alarm actors-canary-5xx in ALARM',
        },
      ],
    });
    expect(serviceDetail(service, NOW)).toMatch(
      /bbbbbbbbbbbb {2}StrategyProbeFailed .*ro-1\n {4}analysis failed: alarm actors-canary-5xx in ALARM\n/,
    );
    expect(checkDeployerStatus(fakeDeployerStatus({ services: [service] }))).toMatchObject({ ok: true });
  });

  it('the dashboard card shows the stopped tasks, escaped, with console links', () => {
    const card = serviceCard(failed()).value;
    expect(card).toContain('Why the last rollout failed: DeploymentFailed');
    expect(card).toContain('<strong class="exit">actors exit code 1</strong>');
    expect(card).toContain('Error: &lt;script&gt;DATABASE_URL&lt;/script&gt; is not set');
    expect(card).not.toContain('<script>DATABASE_URL');
    expect(card).toContain(`<a href="${failure.deploymentsUrl}" rel="noopener noreferrer" target="_blank">`);
  });

  it('the dashboard card renders no link that is not https', () => {
    const card = serviceCard(
      fakeServiceStatus('actors', { lastFailure: { ...failure, deploymentsUrl: 'javascript:alert(1)' } }),
    ).value;
    expect(card).not.toContain('javascript:');
  });
});
