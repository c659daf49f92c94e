import { describe, expect, it } from 'vitest';
import { type PlanInput, planRollout } from '../../../deployer/domain/plan.ts';
import { chooseImage } from '../../../deployer/domain/policy/choose-image.ts';
import { rolloutId } from '../../../deployer/domain/rollout-id.ts';
import type { LiveImage, Plan, RegistryImage, ServiceConfig } from '../../../deployer/domain/types.ts';
import { actorsServiceConfig } from '../../support/fakes/index.ts';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/actors';
const SPEC = 'c0ffee0000000000000000000000000000000001';
const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const images: RegistryImage[] = [
  { digest: d('1'), tags: ['1.0.0'], pushedAt: at(1) },
  { digest: d('2'), tags: ['1.1.0'], pushedAt: at(2) },
];

const service = (image: Partial<ServiceConfig['image']> = {}): ServiceConfig =>
  actorsServiceConfig({ image: { repository: 'actors', track: { semver: '^1.0.0' }, ...image } });

const live = (digest: string | undefined, image = `${URI}@${digest}`): LiveImage => ({
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/actors:41',
  image,
  ...(digest === undefined ? {} : { digest }),
  tags: {},
});

function input(over: Partial<PlanInput> = {}): PlanInput {
  const svc = over.service ?? service();
  return {
    service: svc,
    desiredSpec: SPEC,
    choice: chooseImage(svc.image, images),
    repositoryUri: URI,
    live: live(d('1')),
    failedDigests: new Set(),
    suspended: false,
    ...over,
  };
}

type Expect = { kind: Plan['kind']; cause?: string; to?: string; reason: RegExp };

const cases: [string, PlanInput, Expect][] = [
  [
    'rolls out the highest semver match over an older live digest',
    input(),
    {
      kind: 'rollout',
      to: d('2'),
      reason: /semver \^1\.0\.0 chose 1\.1\.0 .*; replacing sha256:111111111111$/,
    },
  ],
  [
    'rolls out a pinned tag',
    input({ service: service({ pin: '1.0.0' }), live: live(d('2')) }),
    { kind: 'rollout', to: d('1'), reason: /^pinned to tag 1\.0\.0/ },
  ],
  [
    'rolls out a pinned digest, without a tag',
    input({ service: service({ pin: d('2') }) }),
    { kind: 'rollout', to: d('2'), reason: /^pinned to sha256:222222222222/ },
  ],
  [
    'rolls out onto a service with nothing live',
    input({ live: undefined }),
    { kind: 'rollout', to: d('2'), reason: /replacing nothing live$/ },
  ],
  [
    'rolls out when live runs a tag reference, to deploy by digest',
    input({ live: live(undefined, `${URI}:1.1.0`) }),
    { kind: 'rollout', to: d('2'), reason: /replacing .*actors:1\.1\.0 \(a tag, not a digest\)$/ },
  ],
  [
    'rolls out a failed digest when forced, and says so',
    input({ failedDigests: new Set([d('2')]), force: true }),
    { kind: 'rollout', to: d('2'), reason: /\(forced retry of a digest that failed before\)$/ },
  ],
  [
    'is a noop when live runs the chosen digest',
    input({ live: live(d('2')) }),
    { kind: 'noop', reason: /^actors runs 1\.1\.0 \(sha256:222222222222\) as desired$/ },
  ],
  [
    'is a noop when live runs the pin, and says the newer image the track policy would choose is held',
    input({ service: service({ pin: '1.0.0', pinHoldsTrack: true }), live: live(d('1')) }),
    {
      kind: 'noop',
      reason:
        /^actors runs 1\.0\.0 \(sha256:111111111111\) as desired; held by the pin: 1\.1\.0 fits the track policy \(remove the pin to roll it out\)$/,
    },
  ],
  [
    'is a noop when live runs the chosen digest through another registry host form',
    input({ live: live(d('2'), `actors@${d('2')}`) }),
    { kind: 'noop', reason: /as desired/ },
  ],
  [
    'is a noop when live runs a digest that failed before (nothing to change)',
    input({ live: live(d('2')), failedDigests: new Set([d('2')]) }),
    { kind: 'noop', reason: /as desired/ },
  ],
  [
    'is a noop even when forced, if live already runs the chosen digest',
    input({ live: live(d('2')), force: true }),
    { kind: 'noop', reason: /as desired/ },
  ],
  [
    'is blocked when suspended, before anything else',
    input({ suspended: true, choice: { ok: false, reason: 'x' }, live: undefined }),
    { kind: 'blocked', cause: 'suspended', reason: /^actors is suspended; resume it to deploy again$/ },
  ],
  [
    'is blocked when suspended even if forced',
    input({ suspended: true, force: true }),
    { kind: 'blocked', cause: 'suspended', reason: /suspended/ },
  ],
  [
    'is blocked with the policy reason when no image matches',
    input({ service: service({ track: { semver: '^3.0.0' } }) }),
    { kind: 'blocked', cause: 'no-image', reason: /^actors: no tag satisfies semver \^3\.0\.0$/ },
  ],
  [
    'is blocked when the pinned tag is not in the registry',
    input({ service: service({ pin: '9.9.9' }) }),
    { kind: 'blocked', cause: 'no-image', reason: /pinned tag 9\.9\.9 is not in repository actors/ },
  ],
  [
    'is blocked when the chosen digest failed before and the sync is not forced',
    input({ failedDigests: new Set([d('2')]) }),
    {
      kind: 'blocked',
      cause: 'failed-digest',
      reason:
        /^actors: 1\.1\.0 \(sha256:222222222222\) failed to roll out before; .*`npx ecs-gitops sync actors` to retry it/,
    },
  ],
  [
    'is blocked when the registry reports something that is not a digest',
    input({ choice: { ok: true, digest: 'sha256:abc', reason: 'latest chose sha256:abc' } }),
    { kind: 'blocked', cause: 'no-image', reason: /not a sha256 digest/ },
  ],
  [
    'is blocked when the repository URI is not a repository',
    input({ repositoryUri: `${URI}:latest` }),
    { kind: 'blocked', cause: 'no-image', reason: /is not a repository/ },
  ],
  [
    'is blocked when the repository URI names another repository',
    input({ repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/other' }),
    { kind: 'blocked', cause: 'foreign-image', reason: /outside the configured repository "actors"/ },
  ],
  [
    'is blocked when the configured URI is in another registry',
    input({ service: service({ repository: '999999999999.dkr.ecr.eu-west-1.amazonaws.com/actors' }) }),
    { kind: 'blocked', cause: 'foreign-image', reason: /outside the configured repository/ },
  ],
];

describe('planRollout', () => {
  it.each(cases)('%s', (_name, i, expected) => {
    const plan = planRollout(i);
    expect(plan.kind).toBe(expected.kind);
    expect(plan.reason).toMatch(expected.reason);
    if (plan.kind === 'blocked') expect(plan.cause).toBe(expected.cause);
    if (plan.kind === 'rollout') {
      expect(plan.to.digest).toBe(expected.to);
      expect(plan.to.image).toBe(`${URI}@${expected.to}`);
      expect(plan.from).toBe(i.live);
      expect(plan.rolloutId).toBe(rolloutId('actors', expected.to as string, SPEC));
    }
  });

  it('returns the whole rollout plan with the chosen tag', () => {
    expect(planRollout(input())).toEqual({
      kind: 'rollout',
      rolloutId: rolloutId('actors', d('2'), SPEC),
      from: live(d('1')),
      to: { image: `${URI}@${d('2')}`, digest: d('2'), tag: '1.1.0' },
      reason: 'semver ^1.0.0 chose 1.1.0 (sha256:222222222222); replacing sha256:111111111111',
    });
  });

  it('leaves tag out of a pinned-digest rollout', () => {
    const plan = planRollout(input({ service: service({ pin: d('2') }) }));
    expect(plan.kind === 'rollout' && plan.to).toEqual({ image: `${URI}@${d('2')}`, digest: d('2') });
  });

  it('gives a new rollout id when the desired spec changes', () => {
    const a = planRollout(input());
    const b = planRollout(input({ desiredSpec: 'another' }));
    expect(a.kind === 'rollout' && b.kind === 'rollout' && a.rolloutId !== b.rolloutId).toBe(true);
  });

  it('is deterministic', () => {
    expect(planRollout(input())).toEqual(planRollout(input()));
  });

  it('deploys to a local registry host with a port', () => {
    const plan = planRollout(input({ repositoryUri: '127.0.0.1:4601/actors' }));
    expect(plan.kind === 'rollout' && plan.to.image).toBe(`127.0.0.1:4601/actors@${d('2')}`);
  });
});
