// What a user reads about a traffic-shifting rollout while ECS runs it: `status` (table and detail) and
// the dashboard card show the phase, the split and the gate's answers from the status's StrategyProgress.
import { describe, expect, it } from 'vitest';
import { serviceDetail, statusTable } from '../../../deployer/cli/format/status-report.ts';
import { checkDeployerStatus } from '../../../deployer/contract/check-status.ts';
import type { ServiceStatus, StrategyProgress } from '../../../deployer/contract/status-model.ts';
import { serviceCard } from '../../../deployer/http/dashboard/service-card.ts';
import { strategyProgressText } from '../../../deployer/present/strategy-progress-text.ts';
import { fakeDeployerStatus, fakeServiceStatus } from '../../support/fake-runtime.ts';

const NEW = `sha256:${'a'.repeat(64)}`;
const NOW = Date.parse('2026-01-01T00:00:10Z');
const ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/gitops/actors/abc';

const canary: StrategyProgress = {
  strategy: 'canary',
  serviceDeploymentArn: ARN,
  stage: 'PRODUCTION_TRAFFIC_SHIFT',
  phase: 'canary 10 %',
  productionPercent: 10,
  testPercent: 100,
  newAnswers: 4,
  oldAnswers: 31,
};
const heldBlueGreen: StrategyProgress = {
  strategy: 'blue-green',
  serviceDeploymentArn: ARN,
  stage: 'POST_TEST_TRAFFIC_SHIFT',
  phase: 'test traffic (held)',
  productionPercent: 0,
  testPercent: 100,
  newAnswers: 2,
  oldAnswers: 0,
};

function waiting(strategy: StrategyProgress, step: 'Waiting' | 'Verifying' = 'Waiting'): ServiceStatus {
  return fakeServiceStatus('actors', {
    currentRollout: {
      id: 'ro-3',
      step,
      startedAt: '2026-01-01T00:00:00Z',
      from: null,
      to: { image: `actors@${NEW}`, digest: NEW },
      strategy,
    },
  });
}

describe('strategyProgressText', () => {
  it.each<[string, StrategyProgress]>([
    ['canary 10 % · production 10 % new · 90 % old · answers 4 new, 31 old', canary],
    ['test traffic (held) · test 100 % new · 0 % old · answers 2 new, 0 old', heldBlueGreen],
    [
      'step 3/10 · production 30 % new · 70 % old · answers 4 new, 31 old',
      { ...canary, phase: 'step 3/10', strategy: 'linear', productionPercent: 30 },
    ],
    [
      'starting · answers 4 new, 31 old',
      { ...canary, stage: undefined, phase: 'starting', productionPercent: undefined },
    ],
  ])('reads %s', (text, progress) => {
    expect(strategyProgressText(progress, new Date(NOW))).toBe(text);
  });

  it('counts down what is left of a timed phase (bake, canary bake, linear step) at the given time', () => {
    const baking = { ...canary, stage: 'BAKE_TIME', phase: 'baking', productionPercent: 100 };
    const endsAt = new Date(NOW + 252_000).toISOString();
    expect(strategyProgressText({ ...baking, phaseEndsAt: endsAt }, new Date(NOW))).toBe(
      'baking 4:12 left · production 100 % new · 0 % old · answers 4 new, 31 old',
    );
    expect(strategyProgressText({ ...canary, phaseEndsAt: endsAt }, new Date(NOW + 251_500))).toMatch(
      /^canary 10 % 0:01 left · /,
    );
    // Past the deadline (ECS moves on at its next step): never a negative time.
    expect(strategyProgressText({ ...baking, phaseEndsAt: endsAt }, new Date(NOW + 300_000))).toMatch(
      /^baking 0:00 left/,
    );
  });
});

describe('the time left of a timed phase', () => {
  it.each([
    [0, '0:00 left'],
    [999, '0:01 left'],
    [252_000, '4:12 left'],
    [3_723_000, '1:02:03 left'],
    [-5_000, '0:00 left'],
  ])('%d ms reads %s', (ms, text) => {
    const baking = { ...canary, stage: 'BAKE_TIME', phase: 'baking', productionPercent: undefined };
    const phaseEndsAt = new Date(NOW + ms).toISOString();
    expect(strategyProgressText({ ...baking, phaseEndsAt }, new Date(NOW))).toBe(
      `baking ${text} · answers 4 new, 31 old`,
    );
  });
});

describe('a strategy rollout in status and on the dashboard', () => {
  it('is valid status JSON (the contract carries StrategyProgress)', () => {
    const status = fakeDeployerStatus({ services: [waiting(canary)] });
    expect(checkDeployerStatus(status)).toMatchObject({ ok: true });
  });

  it('the status table shows the phase next to the step', () => {
    const table = statusTable(fakeDeployerStatus({ services: [waiting(canary)] }));
    expect(table).toMatch(/actors .*Waiting \(canary 10 %\)/);
  });

  it('status <service> shows the strategy line while ECS shifts traffic, not once verifying', () => {
    expect(serviceDetail(waiting(canary), NOW)).toContain(
      'Strategy:  canary: canary 10 % · production 10 % new · 90 % old · answers 4 new, 31 old',
    );
    expect(serviceDetail(waiting(canary, 'Verifying'), NOW)).not.toContain('Strategy:');
    const baking = { ...canary, stage: 'BAKE_TIME', phase: 'baking', productionPercent: 100 };
    const phaseEndsAt = new Date(NOW + 252_000).toISOString();
    expect(serviceDetail(waiting({ ...baking, phaseEndsAt }), NOW)).toContain(
      'Strategy:  canary: baking 4:12 left · production 100 % new',
    );
  });

  it('the card shows the phase, a bar of the new share and the answers', () => {
    const card = serviceCard(waiting(canary)).value;
    expect(card).toContain(
      'class="strategy-progress" data-strategy="canary" data-phase="canary 10 %" data-new-answers="4" data-old-answers="31" data-new-percent="10"',
    );
    expect(card).toContain('<progress max="100" value="10" title="production 10 % new · 90 % old">');
    expect(serviceCard(waiting(heldBlueGreen)).value).toContain('data-phase="test traffic (held)"');
    expect(serviceCard(waiting(canary, 'Verifying')).value).not.toContain('strategy-progress');
    const baking = { ...canary, stage: 'BAKE_TIME', phase: 'baking', productionPercent: 100 };
    const phaseEndsAt = new Date(Date.now() + 252_000).toISOString();
    expect(serviceCard(waiting({ ...baking, phaseEndsAt })).value).toMatch(
      /<strong>canary<\/strong> baking 4:1[12] left · /,
    );
  });
});
