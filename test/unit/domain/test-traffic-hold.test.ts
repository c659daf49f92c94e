// The PAUSE hook that holds a blue/green at test traffic for our verification: who gets one, its timeout
// inside ECS's range, and how it joins (or leaves) the service's other lifecycle hooks.
import { describe, expect, it } from 'vitest';
import {
  HOLD_STAGE,
  planLifecycleHooks,
  testTrafficHoldHook,
} from '../../../deployer/domain/test-traffic-hold.ts';

const HEADER = { header: { name: 'x-test-traffic', value: '1' } };
const BLUE_GREEN = { strategy: 'blue-green', bakeMinutes: 0, testTraffic: HEADER } as const;
const LAMBDA_HOOK = {
  targetType: 'AWS_LAMBDA',
  hookTargetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:smoke',
  lifecycleStages: ['POST_SCALE_UP'],
};

describe('testTrafficHoldHook', () => {
  it('holds a judged blue/green with a test header at POST_TEST_TRAFFIC_SHIFT, rolling back on timeout', () => {
    expect(testTrafficHoldHook(BLUE_GREEN, true, 900)).toEqual({
      targetType: 'PAUSE',
      lifecycleStages: [HOLD_STAGE],
      timeoutConfiguration: { timeoutInMinutes: 15, action: 'ROLLBACK' },
    });
  });

  it.each([
    ['no verify block releases it', BLUE_GREEN, false],
    ['a canary is judged on production traffic', { ...BLUE_GREEN, strategy: 'canary' }, true],
    [
      'a listener rule gives the deployer no way in',
      { ...BLUE_GREEN, testTraffic: { listenerRule: 'arn:aws:elasticloadbalancing:rule' } },
      true,
    ],
    ['no test traffic at all', { strategy: 'blue-green', bakeMinutes: 0 }, true],
  ] as const)('holds nothing when %s', (_, settings, judged) => {
    expect(testTrafficHoldHook(settings, judged, 900)).toBeUndefined();
  });

  it.each([
    [10, 1],
    [61, 2],
    [10_000_000, 20160],
  ])('a rollout timeout of %i s waits %i minutes (ECS: 1 to 20160)', (seconds, minutes) => {
    expect(testTrafficHoldHook(BLUE_GREEN, true, seconds)?.timeoutConfiguration?.timeoutInMinutes).toBe(
      minutes,
    );
  });
});

describe('planLifecycleHooks', () => {
  const hold = testTrafficHoldHook(BLUE_GREEN, true, 900);

  it("adds the hold after the service's own hooks", () => {
    expect(planLifecycleHooks([LAMBDA_HOOK], hold)).toEqual([LAMBDA_HOOK, hold]);
  });

  it('replaces an earlier hold of ours (another timeout) instead of adding a second one', () => {
    const earlier = { ...hold, timeoutConfiguration: { timeoutInMinutes: 5, action: 'ROLLBACK' } };
    expect(planLifecycleHooks([earlier, LAMBDA_HOOK], hold)).toEqual([LAMBDA_HOOK, hold]);
  });

  it('removes a hold of ours the config no longer asks for, keeping the rest', () => {
    expect(planLifecycleHooks([LAMBDA_HOOK, hold], undefined)).toEqual([LAMBDA_HOOK]);
    expect(planLifecycleHooks([hold], undefined)).toEqual([]);
  });

  it("changes nothing when there is no hold to add or remove (an operator's PAUSE hook elsewhere stays)", () => {
    const approval = { targetType: 'PAUSE', lifecycleStages: ['POST_PRODUCTION_TRAFFIC_SHIFT'] };
    expect(planLifecycleHooks([approval], undefined)).toBeUndefined();
    expect(planLifecycleHooks(undefined, undefined)).toBeUndefined();
  });
});
