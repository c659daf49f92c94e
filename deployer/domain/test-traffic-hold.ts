// Holding a blue/green deployment at test traffic until our verification has judged the green revision.
// ECS's PAUSE lifecycle hook does it (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pause-lifecycle-hooks.html):
// at a stage with a PAUSE hook "the deployment remains paused until you call ContinueServiceDeployment with
// the hookId and an action of CONTINUE or ROLLBACK, or until the configured timeout is reached". At
// POST_TEST_TRAFFIC_SHIFT "the green service revision handles 100% of the test traffic" and production
// still goes to blue (API_DeploymentLifecycleHook.html, lifecycleStages), so a bad green is rolled back
// before any user sees it. Pure: planDeploymentConfiguration puts the hook in the UpdateService call.

/** The part of StrategySettings (rollout-strategy.ts, which imports this file) the hold depends on. */
interface HoldSettings {
  strategy: string;
  testTraffic?: { header: { name: string; value: string } } | { listenerRule: string };
}

/** The stage we hold at (PAUSE hooks "cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT"). */
export const HOLD_STAGE = 'POST_TEST_TRAFFIC_SHIFT';

/**
 * DeploymentLifecycleHookTimeoutConfiguration.timeoutInMinutes: "Valid Range: Minimum value of 1. Maximum
 * value of 20160", default 1440 (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHookTimeoutConfiguration.html).
 */
export const HOLD_TIMEOUT_MINUTES = { min: 1, max: 20160 } as const;

/** A DeploymentLifecycleHook as UpdateService takes it (API_DeploymentLifecycleHook.html field names). */
export interface EcsLifecycleHook {
  targetType?: string;
  lifecycleStages?: string[];
  timeoutConfiguration?: { timeoutInMinutes?: number; action?: string };
  [field: string]: unknown;
}

/**
 * The PAUSE hook the deployer owns, or undefined when nothing would release it: only blue/green with a
 * test header we can send (a listener rule alone gives us no way in) and a `verify` block to judge with.
 * It times out with ROLLBACK ("Default: ROLLBACK") after the rollout's own deadline, so a deployer that
 * died while holding leaves ECS to roll back, never to send an unjudged green to production.
 */
export function testTrafficHoldHook(
  settings: HoldSettings | undefined,
  judged: boolean,
  rolloutTimeoutSeconds: number,
): EcsLifecycleHook | undefined {
  if (settings?.strategy !== 'blue-green' || !judged) return undefined;
  if (!settings.testTraffic || !('header' in settings.testTraffic)) return undefined;
  const minutes = Math.ceil(rolloutTimeoutSeconds / 60);
  return {
    targetType: 'PAUSE',
    lifecycleStages: [HOLD_STAGE],
    timeoutConfiguration: {
      timeoutInMinutes: Math.min(HOLD_TIMEOUT_MINUTES.max, Math.max(HOLD_TIMEOUT_MINUTES.min, minutes)),
      action: 'ROLLBACK',
    },
  };
}

/** Is `hook` the deployer's (a PAUSE hook at the hold stage only)? Other hooks belong to whoever set them. */
export function isHoldHook(hook: EcsLifecycleHook): boolean {
  return (
    hook.targetType === 'PAUSE' &&
    hook.lifecycleStages?.length === 1 &&
    hook.lifecycleStages[0] === HOLD_STAGE
  );
}

/**
 * The lifecycleHooks to send: the live hooks that are not ours, plus ours when wanted. Undefined when the
 * live list needs no change (no hook of ours to add or remove), so the field rides along untouched.
 */
export function planLifecycleHooks(
  live: unknown,
  hold: EcsLifecycleHook | undefined,
): EcsLifecycleHook[] | undefined {
  const current = Array.isArray(live) ? (live as EcsLifecycleHook[]) : [];
  const others = current.filter((hook) => !isHoldHook(hook));
  if (hold) return [...others, hold];
  return others.length === current.length ? undefined : others;
}
