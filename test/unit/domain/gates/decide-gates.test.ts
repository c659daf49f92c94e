// decide() with gates: a rollout that would start is held for approval or by a sync window, blocked
// when rejected, and started by an approval of its digest or a window override. Real fixtures.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigFiles } from '../../../../deployer/domain/config/parse-config-files.ts';
import { decide, type Observation } from '../../../../deployer/domain/decide.ts';
import { type ApprovalRecord, approvalTagValue } from '../../../../deployer/domain/gates/approval.ts';
import { chooseImage } from '../../../../deployer/domain/policy/choose-image.ts';
import { readRevisionTags, revisionTags } from '../../../../deployer/domain/revision-tags.ts';
import { statusOf } from '../../../../deployer/domain/sync-verdict.ts';
import { liveImageOf } from '../../../../deployer/domain/task-definition.ts';
import type { RegistryImage, ServiceConfig, TaskDefinition } from '../../../../deployer/domain/types.ts';

const fixture = (path: string) => readFileSync(new URL(`../../../fixtures/${path}`, import.meta.url), 'utf8');
const actorsYaml = fixture('config/valid/services/actors.yaml');

function configWith(gates: string): ServiceConfig {
  const parsed = parseConfigFiles(
    [{ path: 'services/actors.yaml', text: `${actorsYaml}\n${gates}\n` }],
    'c0ffee',
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.state.services[0] as ServiceConfig;
}

const described = JSON.parse(fixture('task-definitions/fargate-web-with-sidecars.json')) as {
  taskDefinition: TaskDefinition;
  tags: { key: string; value: string }[];
};
const FIXTURE_TAGS = Object.fromEntries(described.tags.map((t) => [t.key, t.value]));
const d = (c: string) => `sha256:${c.repeat(64)}`;
const NEW = d('2');
const images: RegistryImage[] = [
  { digest: d('1'), tags: ['1.0.0'], pushedAt: new Date('2026-01-01T00:00:00Z') },
  { digest: NEW, tags: ['1.1.0'], pushedAt: new Date('2026-01-02T00:00:00Z') },
];

function observe(
  config: ServiceConfig,
  over: Partial<Observation> & { tagged?: ApprovalRecord } = {},
): Observation {
  const { tagged, ...rest } = over;
  const tags = { ...FIXTURE_TAGS, ...(tagged ? revisionTags({ approval: approvalTagValue(tagged) }) : {}) };
  const live = liveImageOf(described.taskDefinition, config.container, tags);
  if (!live) throw new Error('the fixture has no actors container');
  return {
    config,
    choice: chooseImage(config.image, images),
    repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/actors',
    live,
    template: described.taskDefinition,
    record: readRevisionTags(tags),
    pendingSuspension: undefined,
    failedDigests: [],
    force: false,
    recent: [],
    now: new Date('2026-03-06T12:00:00Z'), // a Friday, 13:00 in Berlin
    ...rest,
  };
}

const MANUAL = configWith('approval: manual');
// Fridays from 12:00 UTC for 2 days: now (12:00Z Friday) is inside.
const FROZEN = configWith('windows:\n  - { kind: deny, schedule: "0 12 * * FRI", duration: 48h }');
const approved = (digest: string): ApprovalRecord => ({ verdict: 'Approved', digest, by: 'alice' });
const rejected = (digest: string): ApprovalRecord => ({ verdict: 'Rejected', digest, by: 'bob' });

describe('decide with gates', () => {
  it('decide holds a new digest at PendingApproval when approval is manual', () => {
    const decision = decide(observe(MANUAL));
    expect(decision).toMatchObject({ kind: 'held', gate: { reason: 'PendingApproval', digest: NEW } });
    if (decision.kind !== 'held') throw new Error('expected held');
    expect(statusOf(decision, MANUAL)).toMatchObject({ state: 'OutOfSync', reason: 'PendingApproval' });
  });

  it('decide rolls out once the live revision records an approval of that digest', () => {
    expect(decide(observe(MANUAL, { tagged: approved(NEW) })).kind).toBe('rollout');
  });

  it('decide still holds when the approval is for another (older) digest', () => {
    expect(decide(observe(MANUAL, { tagged: approved(d('1')) })).kind).toBe('held');
  });

  it("decide prefers this process's newer approval to the tag it has not read back yet", () => {
    const decision = decide(observe(MANUAL, { tagged: rejected(NEW), pendingApproval: approved(NEW) }));
    expect(decision.kind).toBe('rollout');
  });

  it('decide blocks a rejected digest with reason Rejected, even on a manual sync', () => {
    const decision = decide(observe(MANUAL, { tagged: rejected(NEW), force: true }));
    expect(decision).toMatchObject({ kind: 'rejected', by: 'bob' });
    if (decision.kind !== 'rejected') throw new Error('expected rejected');
    expect(statusOf(decision, MANUAL)).toMatchObject({ state: 'Failed', reason: 'Rejected' });
  });

  it('decide blocks a rejected digest on a service without approval too', () => {
    const plain = configWith('');
    expect(decide(observe(plain, { tagged: rejected(NEW) })).kind).toBe('rejected');
    expect(decide(observe(plain)).kind).toBe('rollout');
  });

  it('decide holds inside a deny window and says when it opens', () => {
    const decision = decide(observe(FROZEN));
    expect(decision).toMatchObject({
      kind: 'held',
      gate: { reason: 'OutsideWindow', digest: NEW, opensAt: '2026-03-08T12:00:00.000Z' },
    });
  });

  it('decide starts outside the window on --override-window, saying which window it overrode', () => {
    const decision = decide(observe(FROZEN, { overrideWindow: true }));
    expect(decision.kind).toBe('rollout');
    if (decision.kind !== 'rollout') throw new Error('expected rollout');
    expect(decision.overriddenWindow).toContain('0 12 * * FRI');
  });

  it('decide starts once the deny window has closed', () => {
    expect(decide(observe(FROZEN, { now: new Date('2026-03-08T12:00:00Z') })).kind).toBe('rollout');
  });

  it('decide asks for approval before it looks at the windows; an approved digest then waits for the window', () => {
    const both = configWith(
      'approval: manual\nwindows:\n  - { kind: deny, schedule: "0 12 * * FRI", duration: 48h }',
    );
    expect(decide(observe(both))).toMatchObject({ kind: 'held', gate: { reason: 'PendingApproval' } });
    expect(decide(observe(both, { tagged: approved(NEW) }))).toMatchObject({
      kind: 'held',
      gate: { reason: 'OutsideWindow' },
    });
  });

  it('decide resumes an interrupted rollout (the fixture revision) without asking the gates again', () => {
    const onlyLive = observe(MANUAL);
    const decision = decide({ ...onlyLive, choice: chooseImage(MANUAL.image, [images[0] as RegistryImage]) });
    expect(decision.kind).toBe('resume');
  });
});
