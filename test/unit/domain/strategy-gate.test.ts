// The strategy gate's decisions: where a lifecycle stage lets us probe, what one answer means for the new
// revision, when the deployment is stopped, and the phase in words.
import { describe, expect, it } from 'vitest';
import {
  describePhase,
  EMPTY_TALLY,
  holdDecision,
  judgeStrategyProbe,
  phaseMinutes,
  probeTargets,
  tallyProbe,
} from '../../../deployer/domain/strategy-gate.ts';

const NEW = `sha256:${'a'.repeat(64)}`;
const OLD = `sha256:${'b'.repeat(64)}`;
const HEADER = { header: { name: 'x-test-traffic', value: '1' } };

describe('probeTargets', () => {
  it.each([
    ['TEST_TRAFFIC_SHIFT', 'blue-green', HEADER, ['test']],
    ['POST_TEST_TRAFFIC_SHIFT', 'canary', HEADER, ['test']],
    ['POST_TEST_TRAFFIC_SHIFT', 'canary', undefined, []],
    ['PRODUCTION_TRAFFIC_SHIFT', 'canary', undefined, ['production']],
    ['PRODUCTION_TRAFFIC_SHIFT', 'canary', HEADER, ['production', 'test']],
    ['BAKE_TIME', 'linear', undefined, ['production']],
    ['PRODUCTION_TRAFFIC_SHIFT', 'blue-green', HEADER, []],
    ['SCALE_UP', 'canary', HEADER, []],
  ] as const)('%s with %s probes %j traffic', (stage, strategy, testTraffic, expected) => {
    expect(probeTargets(stage, strategy, testTraffic)).toEqual(expected);
  });
});

describe('judgeStrategyProbe', () => {
  it.each([
    [
      'the new digest with 200',
      'production',
      'PRODUCTION_TRAFFIC_SHIFT',
      { status: 200, body: { digest: NEW } },
      'new-ok',
    ],
    [
      'the old digest with 200 during a canary',
      'production',
      'PRODUCTION_TRAFFIC_SHIFT',
      { status: 200, body: { digest: OLD } },
      'old',
    ],
    ['the new digest with 500', 'production', 'BAKE_TIME', { status: 500, body: { digest: NEW } }, 'fail'],
    [
      'a 502 without a digest during a canary',
      'production',
      'PRODUCTION_TRAFFIC_SHIFT',
      { status: 502, body: undefined },
      'unattributed',
    ],
    [
      'the old digest after test traffic moved',
      'test',
      'POST_TEST_TRAFFIC_SHIFT',
      { status: 200, body: { digest: OLD } },
      'fail',
    ],
    [
      'the old digest while test traffic moves',
      'test',
      'TEST_TRAFFIC_SHIFT',
      { status: 200, body: { digest: OLD } },
      'old',
    ],
    [
      'a refused connection on test traffic',
      'test',
      'POST_TEST_TRAFFIC_SHIFT',
      { error: 'connection refused' },
      'fail',
    ],
    [
      'a refused connection on production',
      'production',
      'BAKE_TIME',
      { error: 'connection refused' },
      'unattributed',
    ],
  ] as const)('%s is %s', (_title, target, stage, answer, kind) => {
    expect(judgeStrategyProbe(target, stage, NEW, answer).kind).toBe(kind);
  });
});

describe('tallyProbe', () => {
  it('stops at once on a bad answer of the new revision, counting the answers before it', () => {
    let tally = EMPTY_TALLY;
    for (const verdict of [{ kind: 'new-ok' }, { kind: 'old' }, { kind: 'new-ok' }] as const)
      tally = tallyProbe(tally, verdict, 3).tally;
    expect(tally).toEqual({ newOk: 2, testOk: 0, old: 1, unattributedStreak: 0 });
    expect(tallyProbe(tally, { kind: 'fail', message: 'HTTP 500' }, 3).stop).toBe('HTTP 500');
  });

  it('stops after `failAfter` unattributed errors in a row, and a good answer resets the streak', () => {
    const error = { kind: 'unattributed', message: 'HTTP 502 without a digest' } as const;
    let step = tallyProbe(EMPTY_TALLY, error, 2);
    expect(step.stop).toBeUndefined();
    step = tallyProbe(tallyProbe(step.tally, { kind: 'new-ok' }, 2).tally, error, 2);
    expect(step.stop).toBeUndefined();
    expect(tallyProbe(step.tally, error, 2).stop).toContain('2 probes in a row failed');
  });
});

describe('holdDecision', () => {
  const held = { lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT', awaitingHookId: 'ecs-pause-1' };
  const afterTestAnswers = (count: number) => {
    let tally = EMPTY_TALLY;
    for (let i = 0; i < count; i += 1) tally = tallyProbe(tally, { kind: 'new-ok' }, 3, 'test').tally;
    return tally;
  };

  it('waits at the hold until the green revision answered `successes` test probes, then continues', () => {
    expect(holdDecision(held, afterTestAnswers(2), 3)).toEqual({ kind: 'wait' });
    expect(holdDecision(held, afterTestAnswers(3), 3)).toEqual({ kind: 'continue', hookId: 'ecs-pause-1' });
  });

  it('does not count production answers as test answers', () => {
    const tally = tallyProbe(afterTestAnswers(2), { kind: 'new-ok' }, 3, 'production').tally;
    expect(tally).toMatchObject({ newOk: 3, testOk: 2 });
    expect(holdDecision(held, tally, 3)).toEqual({ kind: 'wait' });
  });

  it.each([
    ['no hook awaits action', { lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' }],
    [
      'a hook awaits at another stage',
      { lifecycleStage: 'POST_PRODUCTION_TRAFFIC_SHIFT', awaitingHookId: 'x' },
    ],
  ])('leaves the deployment alone when %s', (_, deployment) => {
    expect(holdDecision(deployment, afterTestAnswers(5), 3)).toEqual({ kind: 'none' });
  });
});

describe('describePhase', () => {
  it.each([
    [
      { strategy: 'canary' },
      { lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', productionPercent: 10 },
      'canary 10 %',
    ],
    [
      { strategy: 'linear', linear: { stepPercent: 10 } },
      { lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', productionPercent: 30 },
      'step 3/10',
    ],
    [{ strategy: 'blue-green' }, { lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' }, 'test traffic'],
    [
      { strategy: 'blue-green' },
      { lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT', awaitingHookId: 'ecs-pause-1' },
      'test traffic (held)',
    ],
    [{ strategy: 'canary' }, { lifecycleStage: 'BAKE_TIME', productionPercent: 100 }, 'baking'],
    [{ strategy: 'canary' }, {}, 'starting'],
  ] as const)('%j at %j reads %s', (strategy, deployment, phase) => {
    expect(describePhase(strategy, deployment)).toBe(phase);
  });
});

describe('phaseMinutes', () => {
  const canary = { strategy: 'canary', bakeMinutes: 4, canary: { percent: 10, bakeMinutes: 2 } } as const;
  const linear = { strategy: 'linear', linear: { stepPercent: 25, stepBakeMinutes: 3 } } as const;
  it.each([
    ['the final bake', canary, { lifecycleStage: 'BAKE_TIME', productionPercent: 100 }, 4],
    [
      "a canary's bake at its percent",
      canary,
      { lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', productionPercent: 10 },
      2,
    ],
    ['a linear step', linear, { lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', productionPercent: 50 }, 3],
    [
      'no step bake at 100 %',
      linear,
      { lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', productionPercent: 100 },
      undefined,
    ],
    [
      "ECS's own bake (none configured)",
      { strategy: 'blue-green' },
      { lifecycleStage: 'BAKE_TIME' },
      undefined,
    ],
    [
      'test traffic',
      { strategy: 'blue-green', bakeMinutes: 5 },
      { lifecycleStage: 'TEST_TRAFFIC_SHIFT' },
      undefined,
    ],
  ] as const)('%s', (_, strategy, deployment, minutes) => {
    expect(phaseMinutes(strategy, deployment)).toBe(minutes);
  });
});
