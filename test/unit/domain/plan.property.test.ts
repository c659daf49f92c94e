// Property tests for planRollout: whatever the inputs, the plan never deploys what is already live,
// never ignores a suspension, never retries a failed digest unforced, and names its rollout by
// (service, digest, config revision).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PlanInput, planRollout } from '../../../deployer/domain/plan.ts';
import { rolloutId } from '../../../deployer/domain/rollout-id.ts';
import type { ImageChoice, LiveImage } from '../../../deployer/domain/types.ts';
import { actorsServiceConfig } from '../../support/fakes/index.ts';
import { propertyRuns } from '../../support/property-runs.ts';

const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/actors';
const digests = ['1', '2', '3'].map((c) => `sha256:${c.repeat(64)}`);
const digest = fc.constantFrom(...digests);

const service = actorsServiceConfig();

const choice: fc.Arbitrary<ImageChoice> = fc.oneof(
  fc.record(
    {
      ok: fc.constant(true as const),
      digest,
      tag: fc.constantFrom('1.0.0', 'latest'),
      reason: fc.constant('why'),
    },
    { requiredKeys: ['ok', 'digest', 'reason'] },
  ),
  fc.record({ ok: fc.constant(false as const), reason: fc.constant('no tag matches') }),
);
const live: fc.Arbitrary<LiveImage | undefined> = fc.option(
  fc.oneof(
    digest.map((d) => ({ taskDefinitionArn: 'td:1', image: `${URI}@${d}`, digest: d, tags: {} })),
    fc.constant({ taskDefinitionArn: 'td:1', image: `${URI}:1.0.0`, tags: {} }),
  ),
  { nil: undefined },
);
const planInput: fc.Arbitrary<PlanInput> = fc.record(
  {
    service: fc.constant(service),
    desiredSpec: fc.constantFrom('spec-a', 'spec-b'),
    choice,
    repositoryUri: fc.constantFrom(URI, 'localhost:4602/actors', `${URI}-other`),
    live,
    failedDigests: fc.subarray(digests).map((list) => new Set(list)),
    suspended: fc.boolean(),
    force: fc.boolean(),
  },
  {
    requiredKeys: ['service', 'desiredSpec', 'choice', 'repositoryUri', 'live', 'failedDigests', 'suspended'],
  },
);

describe('planRollout properties', () => {
  it('holds its invariants for every combination of inputs', () => {
    fc.assert(
      fc.property(planInput, (input) => {
        const plan = planRollout(input);
        expect(plan.reason.length).toBeGreaterThan(0);
        expect(plan.kind === 'blocked' && plan.cause === 'suspended').toBe(input.suspended);
        if (plan.kind === 'noop') expect(input.live?.digest).toBe(input.choice.ok && input.choice.digest);
        if (plan.kind === 'blocked' && plan.cause === 'failed-digest') expect(input.force).not.toBe(true);
        if (plan.kind !== 'rollout') return;
        if (!input.choice.ok) throw new Error('a rollout without a chosen image');
        expect(plan.to.digest).toBe(input.choice.digest);
        expect(plan.to.digest).not.toBe(input.live?.digest);
        expect(plan.to.image).toBe(`${input.repositoryUri}@${input.choice.digest}`);
        expect(plan.from).toBe(input.live);
        expect(plan.rolloutId).toBe(rolloutId('actors', input.choice.digest, input.desiredSpec));
        if (input.failedDigests.has(plan.to.digest)) expect(input.force).toBe(true);
      }),
      { numRuns: propertyRuns(3_000) },
    );
  });
});
