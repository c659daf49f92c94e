// A traffic-shifting rollout in words shared by the CLI and the dashboard: the phase ECS is in, how
// production (or test) traffic is split between the new and the old revision, and which revision answered
// the strategy gate's probes.
import type { StrategyProgress } from '../contract/strategy-progress.ts';

/** `production 10 % new · 90 % old` (or the test traffic's split while only test traffic moves). */
export function trafficSplitText(progress: StrategyProgress): string | undefined {
  const testPhase = progress.stage?.includes('TEST_TRAFFIC') === true;
  const percent = testPhase ? progress.testPercent : progress.productionPercent;
  if (percent === undefined) return undefined;
  const shown = Math.round(percent * 10) / 10;
  const old = Math.round((100 - percent) * 10) / 10;
  return `${testPhase ? 'test' : 'production'} ${shown} % new · ${old} % old`;
}

/** `canary 10 % · production 10 % new · 90 % old · answers 4 new, 31 old`. */
export function strategyProgressText(progress: StrategyProgress): string {
  const split = trafficSplitText(progress);
  return [
    progress.phase,
    ...(split ? [split] : []),
    `answers ${progress.newAnswers} new, ${progress.oldAnswers} old`,
  ].join(' · ');
}
