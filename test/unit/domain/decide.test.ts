// decide() over real fixtures: the actors config from test/fixtures/config/valid and a described
// revision (test/fixtures/task-definitions) whose tags carry each situation reconcile can meet.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';
import { type Decision, decide, type Observation } from '../../../deployer/domain/decide.ts';
import { chooseImage } from '../../../deployer/domain/policy/choose-image.ts';
import {
  type RevisionTagsPatch,
  readRevisionTags,
  revisionTags,
} from '../../../deployer/domain/revision-tags.ts';
import { desiredSpec, rolloutId } from '../../../deployer/domain/rollout-id.ts';
import { statusOf, statusOfInvalidation, statusOfRollout } from '../../../deployer/domain/sync-verdict.ts';
import { liveImageOf } from '../../../deployer/domain/task-definition.ts';
import type { RegistryImage, ServiceConfig, TaskDefinition } from '../../../deployer/domain/types.ts';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');

const parsed = parseConfigFiles(
  [{ path: 'services/actors.yaml', text: fixture('config/valid/services/actors.yaml') }],
  'c0ffee',
);
if (!parsed.ok) throw new Error('the valid config fixture does not parse');
const ACTORS = parsed.state.services.find((s) => s.name === 'actors') as ServiceConfig;
const withCdn: ServiceConfig = { ...ACTORS, cdn: { distributionId: 'E2EXAMPLE', paths: ['/*'] } };

const described = JSON.parse(fixture('task-definitions/fargate-web-with-sidecars.json')) as {
  taskDefinition: TaskDefinition;
  tags: { key: string; value: string }[];
};
const TEMPLATE = described.taskDefinition;
const FIXTURE_TAGS = Object.fromEntries(described.tags.map((t) => [t.key, t.value]));
const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/actors';
const d = (c: string) => `sha256:${c.repeat(64)}`;
const LIVE = d('1'); // what the fixture revision runs
const images: RegistryImage[] = [
  { digest: d('1'), tags: ['1.0.0'], pushedAt: new Date('2026-01-01T00:00:00Z') },
  { digest: d('2'), tags: ['1.1.0'], pushedAt: new Date('2026-01-02T00:00:00Z') },
];
const failure = {
  digest: d('2'),
  reason: 'VerifyTimeout',
  failedAt: '2026-01-02T10:00:00Z',
  rolloutId: 'ro-2',
};

function observe(
  over: { config?: ServiceConfig; tags?: RevisionTagsPatch; images?: RegistryImage[] } & Partial<
    Omit<Observation, 'config'>
  > = {},
): Observation {
  const config = over.config ?? ACTORS;
  const tags = { ...FIXTURE_TAGS, ...revisionTags(over.tags ?? {}) };
  const live = liveImageOf(TEMPLATE, config.container, tags);
  if (!live) throw new Error('the fixture has no actors container');
  return {
    config,
    choice: chooseImage(config.image, over.images ?? images),
    repositoryUri: URI,
    live,
    template: TEMPLATE,
    record: readRevisionTags(tags),
    pendingSuspension: undefined,
    failedDigests: [],
    force: false,
    ...over,
  };
}

const only1 = [images[0] as RegistryImage];
type Row = [string, Observation, Decision['kind'], Partial<{ state: string; reason: string }>?];

const rows: Row[] = [
  ['a newer match rolls out once the family history is read', observe({ recent: [] }), 'rollout'],
  ['a newer match asks for the family history first', observe(), 'read-history'],
  [
    'the desired digest runs: nothing to do',
    observe({ images: only1, tags: { result: 'Succeeded' } }),
    'noop',
    { state: 'Synced', reason: 'UpToDate' },
  ],
  [
    'our rollout of the live digest never ended: resume at wait',
    observe({ images: only1, tags: { result: 'InProgress' } }),
    'resume',
  ],
  ['a revision of an older version without a result: resume too', observe({ images: only1 }), 'resume'],
  [
    'a recorded failure whose rollback did not finish: resume it',
    observe({ tags: { result: 'Failed', previousArn: 'td/actors:2' } }),
    'resume-rollback',
  ],
  [
    'a forced sync does not resume a rollback',
    observe({ force: true, recent: [], tags: { result: 'Failed', previousArn: 'td/actors:2' } }),
    'rollout',
  ],
  [
    'the live digest failed and was left running: Degraded',
    observe({ images: only1, tags: { result: 'Failed', reason: 'DeploymentFailed' } }),
    'degraded',
    { state: 'Degraded', reason: 'DeploymentFailed' },
  ],
  [
    'a verified rollout whose invalidation is pending: invalidate',
    observe({ config: withCdn, images: only1, tags: { result: 'Succeeded', invalidation: 'Pending' } }),
    'invalidate',
  ],
  [
    'an invalidation pending without a cdn any more: nothing to do',
    observe({ images: only1, tags: { result: 'Succeeded', invalidation: 'Pending' } }),
    'noop',
  ],
  [
    'suspended by API on the live revision',
    observe({ tags: { suspended: 'SuspendedByApi' } }),
    'blocked',
    { state: 'Suspended', reason: 'SuspendedByApi' },
  ],
  [
    'suspended in this process, not yet tagged',
    observe({ pendingSuspension: { reason: 'ManualRollback', message: 'rolled back' } }),
    'blocked',
    { state: 'Suspended', reason: 'ManualRollback' },
  ],
  [
    'suspended in config',
    observe({ config: { ...ACTORS, suspended: true } }),
    'blocked',
    { state: 'Suspended', reason: 'Suspended' },
  ],
  [
    'no image matches the policy',
    observe({ config: { ...ACTORS, image: { ...ACTORS.image, pin: '9.9.9' } } }),
    'blocked',
    { state: 'Failed', reason: 'NoMatchingImage' },
  ],
  [
    'a digest this process saw fail',
    observe({ failedDigests: [failure] }),
    'blocked',
    { state: 'Failed', reason: 'DigestBlocked' },
  ],
  [
    'a digest another replica saw fail (ECS tags)',
    observe({
      recent: [
        {
          arn: 'td/actors:9',
          record: {
            rolloutId: 'ro-2',
            digest: d('2'),
            service: 'actors',
            result: 'RolledBack',
            reason: 'VerifyTimeout',
          },
        },
      ],
    }),
    'failed-before',
    { state: 'Failed', reason: 'DigestBlocked' },
  ],
  [
    'a forced sync retries a digest that failed',
    observe({ force: true, recent: [], failedDigests: [failure] }),
    'rollout',
  ],
];

describe('decide', () => {
  it.each(rows)('decide: %s', (_name, observation, kind, status) => {
    const decision = decide(observation);
    expect(decision.kind).toBe(kind);
    if (
      status &&
      (decision.kind === 'noop' ||
        decision.kind === 'degraded' ||
        decision.kind === 'blocked' ||
        decision.kind === 'failed-before')
    )
      expect(statusOf(decision, observation.config)).toMatchObject(status);
  });

  it('decide returns the rollout plan with an id from the service and the live template, not the repository revision', () => {
    const decision = decide(observe({ recent: [] }));
    expect(decision).toMatchObject({
      kind: 'rollout',
      plan: {
        rolloutId: rolloutId('actors', d('2'), desiredSpec(ACTORS, TEMPLATE)),
        to: { image: `${URI}@${d('2')}`, digest: d('2'), tag: '1.1.0' },
      },
    });
  });

  it('decide resumes with what the live revision recorded', () => {
    const decision = decide(
      observe({
        images: only1,
        tags: { result: 'InProgress', previousArn: 'td/actors:2', startedAt: '2026-01-03T00:00:00Z' },
      }),
    );
    expect(decision).toMatchObject({
      kind: 'resume',
      interrupted: {
        rolloutId: FIXTURE_TAGS['ecs-gitops:rollout-id'],
        digest: LIVE,
        previousArn: 'td/actors:2',
        startedAt: '2026-01-03T00:00:00Z',
      },
    });
  });

  it('a digest blocked by memory names the earlier failure in the status', () => {
    const decision = decide(observe({ failedDigests: [failure] }));
    if (decision.kind !== 'blocked') throw new Error(decision.kind);
    expect(statusOf(decision, ACTORS).message).toContain('(VerifyTimeout at 2026-01-02T10:00:00Z)');
  });

  // A reconcile after a rollback (a resync, the redelivered push) writes the blocked status last:
  // the failure's own words must survive it, not only its reason code.
  it('a digest blocked by memory quotes why it failed', () => {
    const why = 'analysis failed: alarm actors-canary-5xx in ALARM; rolled back to actors:1';
    const decision = decide(observe({ failedDigests: [{ ...failure, message: why }] }));
    if (decision.kind !== 'blocked') throw new Error(decision.kind);
    expect(statusOf(decision, ACTORS).message).toContain(`(VerifyTimeout at 2026-01-02T10:00:00Z: ${why})`);
  });

  it('a digest another replica saw fail quotes the why its revision tags recorded', () => {
    const why = 'the new version was not served within 60 s';
    const record = { rolloutId: 'ro-2', digest: d('2'), service: 'actors', result: 'RolledBack' as const };
    const decision = decide(
      observe({
        recent: [{ arn: 'td/actors:9', record: { ...record, reason: 'VerifyTimeout', failureMessage: why } }],
      }),
    );
    if (decision.kind !== 'failed-before') throw new Error(decision.kind);
    expect(statusOf(decision, ACTORS).message).toContain(`failed to roll out before (VerifyTimeout: ${why})`);
  });
});

describe('desiredSpec', () => {
  const spec = (config: ServiceConfig, template: TaskDefinition) => desiredSpec(config, template);

  it('desiredSpec ignores where the config came from (a commit that leaves the service as it is)', () => {
    expect(spec({ ...ACTORS, source: { file: 'elsewhere.yaml' } }, TEMPLATE)).toBe(spec(ACTORS, TEMPLATE));
  });

  it('desiredSpec ignores what the deployer writes: image, deploy env values, read-only fields', () => {
    const rendered = structuredClone(TEMPLATE);
    const actors = rendered.containerDefinitions.find((c) => c.name === 'actors');
    if (!actors) throw new Error('no actors container');
    actors.image = `${URI}@${d('3')}`;
    actors.environment = [...(actors.environment ?? []), { name: 'DEPLOY_IMAGE_DIGEST', value: d('3') }];
    rendered.revision = 99;
    rendered.taskDefinitionArn = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/actors:99';
    expect(spec(ACTORS, rendered)).toBe(spec(ACTORS, TEMPLATE));
  });

  it.each([
    ['cpu', (td: TaskDefinition) => ({ ...td, cpu: '4096' })],
    ['memory', (td: TaskDefinition) => ({ ...td, memory: '8192' })],
    [
      'an environment value',
      (td: TaskDefinition) => ({
        ...td,
        containerDefinitions: td.containerDefinitions.map((c) =>
          c.name === 'actors'
            ? { ...c, environment: [...(c.environment ?? []), { name: 'FEATURE', value: 'on' }] }
            : c,
        ),
      }),
    ],
  ])('desiredSpec changes with %s set outside the deployer (a CDK deploy)', (_field, change) => {
    expect(spec(ACTORS, change(TEMPLATE))).not.toBe(spec(ACTORS, TEMPLATE));
  });

  it('desiredSpec changes with the service config (new CDN paths need a new CallerReference)', () => {
    expect(spec(withCdn, TEMPLATE)).not.toBe(spec(ACTORS, TEMPLATE));
  });
});

describe('status mappings', () => {
  it.each([
    ['Succeeded', 'Synced'],
    ['RolledBack', 'Failed'],
    ['Failed', 'Degraded'],
  ] as const)('statusOfRollout(%s) is %s', (result, state) => {
    expect(statusOfRollout({ result, reason: 'X', message: 'm' })).toEqual({
      state,
      reason: 'X',
      message: 'm',
    });
  });

  it('statusOfInvalidation keeps a served rollout Synced and says when the invalidation is retried', () => {
    expect(statusOfInvalidation(withCdn, d('2'), { message: 'Throttling', retryable: true })).toMatchObject({
      state: 'Synced',
      reason: 'InvalidationPending',
      message: expect.stringContaining('(retrying)'),
    });
    expect(
      statusOfInvalidation(withCdn, d('2'), { message: 'NoSuchDistribution', retryable: false }).message,
    ).toContain('retried at the next reconcile; check cdn in services/actors.yaml');
  });
});
