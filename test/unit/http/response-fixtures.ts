// Answers of /status, /status/:service and the history route that reach every branch of their
// schemas: each `anyOf` alternative (the five track policies, null and object images, tasks null,
// absent and counted), every optional field set and left out. For the tests that compare the
// generated serializers with the ones Fastify would compile (precompiled-schemas.test.ts).
import type { ServiceHistory } from '../../../deployer/contract/history-model.ts';
import type { DeployerStatus, ServiceStatus } from '../../../deployer/contract/status-model.ts';
import { fakeDeployerStatus, fakeServiceStatus } from '../../support/fake-runtime.ts';

const T = '2026-01-01T00:00:00.000Z';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `000000000000.dkr.ecr.us-east-1.amazonaws.com/web@${DIGEST}`;
const ARN = 'arn:aws:ecs:us-east-1:0:task-definition/web:7';

/** Strings JSON must escape, or that a fast path could get wrong: quotes, backslashes, every control
 * character, lone surrogates, line separators, markup, and short and long ones (fast-json-stringify
 * escapes strings under 8 characters with its own loop, longer ones with JSON.stringify). */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  '"',
  '\\',
  'a"b\\c',
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(''),
  '\u0000\u001f\u007f',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800 reversed pair',
  '😀 emoji and é',
  '\u2028\u2029 line separators',
  '</script><script>alert(1)</script>',
  '{"json":"inside"}',
  `long ${'\\"\n'.repeat(2000)}`,
];

/** A service with every optional field, in its richest shape. */
export function richService(name: string): ServiceStatus {
  const trigger = { kind: 'git-push', commit: 'c'.repeat(40), author: 'Ada', message: 'pin web' } as const;
  return fakeServiceStatus(name, {
    desired: {
      image: IMAGE,
      digest: DIGEST,
      tag: '1.2.3',
      reason: 'pinned',
      policy: { pin: '1.2.3' },
      heldByPin: { digest: DIGEST, tag: '1.3.0', track: { semver: '^1.0.0', prerelease: true } },
    },
    live: { image: IMAGE, digest: DIGEST, tag: '1.2.2', taskDefinitionArn: ARN },
    currentRollout: {
      id: 'r-2',
      step: 'Verifying',
      failedStep: 'Verifying',
      startedAt: T,
      from: { image: IMAGE, digest: DIGEST, tag: '1.2.2', taskDefinitionArn: ARN },
      to: { image: IMAGE, digest: DIGEST, tag: '1.2.3', taskDefinitionArn: ARN },
      trigger,
      verify: {
        url: 'http://web/health',
        probe: 3,
        maxProbes: 10,
        streak: 2,
        successesNeeded: 3,
        expectedDigest: DIGEST,
        lastStatus: 200,
        lastDigest: DIGEST,
        lastAnswer: 'ok',
        deadline: T,
      },
      strategy: {
        strategy: 'canary',
        serviceDeploymentArn: `${ARN}/deployment`,
        stage: 'BAKE',
        phase: 'baking',
        phaseEndsAt: T,
        productionPercent: 90,
        testPercent: 10.5,
        newAnswers: 4,
        oldAnswers: 40,
      },
    },
    recentRollouts: [
      {
        id: 'r-1',
        from: null,
        to: { image: IMAGE },
        result: 'RolledBack',
        startedAt: T,
        finishedAt: T,
        durationMs: 1234.5,
        reason: 'VerifyFailed',
        configRevision: 'abc',
        taskDefinitionArn: ARN,
        trigger: { kind: 'image-push', repository: 'web', tag: '1.2.3' },
      },
      {
        id: 'r-0',
        from: { image: IMAGE, digest: DIGEST },
        to: { image: IMAGE, tag: '1.0.0' },
        result: 'Succeeded',
        startedAt: T,
        finishedAt: T,
        durationMs: 0,
        reason: 'RolloutSucceeded',
        configRevision: 'abc',
      },
    ],
    failedDigests: [{ digest: DIGEST, reason: 'VerifyFailed', failedAt: T, rolloutId: 'r-1', message: 'no' }],
    events: [{ id: 'e-1', createdAt: T, message: 'service web has reached a steady state.' }],
    lastReconciledAt: null,
    gate: { reason: 'OutsideWindow', digest: DIGEST, message: 'closed', opensAt: T },
    health: { state: 'Degraded', message: '1 of 2 tasks running' },
    drift: { state: 'OutOfSync', message: 'someone edited the service' },
    tasks: null,
    lastFailure: {
      rolloutId: 'r-1',
      digest: DIGEST,
      reason: 'TasksStopped',
      at: T,
      taskDefinitionArn: ARN,
      stoppedTasks: [
        {
          taskArn: `${ARN}/task`,
          taskId: 'task',
          stoppedReason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          stoppedAt: T,
          containers: [{ name: 'web', exitCode: 1, reason: 'boom' }, { name: 'sidecar' }],
          logLines: ['Error: listen EADDRINUSE', ''],
          logs: { group: '/ecs/web', stream: 'web/web/task', url: 'https://console.aws.amazon.com/' },
          url: 'https://console.aws.amazon.com/ecs',
        },
      ],
      deploymentsUrl: 'https://console.aws.amazon.com/ecs/deployments',
      notes: ['the image exits at once'],
    },
    github: {
      deployment: {
        id: 42,
        rolloutId: 'r-2',
        state: 'in_progress',
        sha: 'c'.repeat(40),
        description: 'rolling out',
        url: 'https://github.com/o/r/deployments',
        updatedAt: T,
      },
      pinPullRequest: {
        number: 7,
        url: 'https://github.com/o/r/pull/7',
        digest: DIGEST,
        tag: '1.3.0',
        openedAt: T,
      },
    },
    pipeline: {
      service: 'web',
      environment: 'prod',
      stages: ['staging', 'prod'],
      promotion: {
        from: 'staging',
        soakMinutes: 30,
        promoted: { digest: DIGEST, tag: '1.2.3', verifiedAt: T },
        soaking: { digest: DIGEST, verifiedAt: T, until: T },
        refused: [{ digest: DIGEST, environment: 'staging', reason: 'failed there' }],
      },
    },
  });
}

/** The other branches: each track policy, images null, tasks absent or counted, optional fields unset. */
export function serviceVariants(): ServiceStatus[] {
  const rich = richService('rich');
  const desired = rich.desired ?? undefined;
  if (!desired) throw new Error('richService has a desired image');
  const policies = [
    { semver: '~2.0.0' },
    { glob: 'v2.*' },
    { regex: '^v(\\d+)$' },
    { latest: true },
  ] as const;
  return [
    rich,
    fakeServiceStatus('plain'),
    fakeServiceStatus('nothing', { desired: null, live: null, lastReconciledAt: null }),
    ...policies.map((policy, i) =>
      fakeServiceStatus(`policy-${i}`, {
        desired: { ...desired, policy, heldByPin: { digest: DIGEST, track: policy } },
      }),
    ),
    { ...rich, name: 'no-tasks', tasks: undefined, currentRollout: null },
    { ...rich, name: 'counted', tasks: { desired: 2, running: 1, pending: 1, observedAt: T } },
  ];
}

/** Deployer statuses: empty, one of each service variant, config errors, an unknown queue. */
export function deployerStatuses(): DeployerStatus[] {
  return [
    fakeDeployerStatus({ services: [] }),
    fakeDeployerStatus({
      mode: 'aws',
      services: serviceVariants(),
      config: {
        revision: null,
        lastAppliedRevision: 'abc',
        lastAttemptedRevision: 'def',
        errors: [{ file: 'services/web.yaml', line: 3, column: 5, field: 'image', message: 'unknown field' }],
        headRevision: 'def',
        readAt: T,
      },
      queue: { visible: null, inFlight: 3 },
    }),
  ];
}

export function histories(): ServiceHistory[] {
  return [
    {
      service: 'web',
      cluster: 'gitops',
      ecsService: 'web',
      family: 'web',
      liveTaskDefinitionArn: ARN,
      revisions: [
        {
          taskDefinitionArn: ARN,
          revision: 'web:7',
          live: true,
          image: IMAGE,
          digest: DIGEST,
          tag: '1.2.3',
          rolloutId: 'r-2',
          result: 'InProgress',
          reason: 'started',
          startedAt: T,
          finishedAt: T,
          durationMs: 12.25,
          configRevision: 'abc',
          trigger: { kind: 'manual-sync', token: 'ops' },
          restored: { at: T, by: 'ops', from: 'web:6' },
          links: {
            commit: 'https://github.com/o/r/commit/c',
            githubDeployment: 'https://github.com/o/r/deployments',
            ecsDeployment: 'https://console.aws.amazon.com/ecs/deployment',
            ecsTaskDefinition: 'https://console.aws.amazon.com/ecs/td',
            logs: 'https://console.aws.amazon.com/logs',
          },
        },
        { taskDefinitionArn: `${ARN}x`, revision: 'web:6', live: false, image: null, links: {} },
      ],
      more: 3,
    },
  ];
}

/** Fields whose values the schemas enumerate: inside an `anyOf` branch another value is no match. */
const ENUMERATED = new Set(['step', 'failedStep', 'strategy', 'kind', 'mode', 'state', 'result', 'reason']);

/** `value` with every free string replaced by `next()` (keys stay: they are the schema's). */
export function withStrings<T>(value: T, next: () => string): T {
  const walk = (node: unknown, key?: string): unknown => {
    if (typeof node === 'string') return key !== undefined && ENUMERATED.has(key) ? node : next();
    if (Array.isArray(node)) return node.map((item) => walk(item));
    if (node && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([name, child]) => [name, walk(child, name)]));
    return node;
  };
  return walk(value) as T;
}

/** `value` with every free string replaced by the hostile ones in turn, starting at `offset`. */
export function withHostileStrings<T>(value: T, offset = 0): T {
  let index = offset;
  return withStrings(value, () => HOSTILE_STRINGS[index++ % HOSTILE_STRINGS.length] ?? '');
}
