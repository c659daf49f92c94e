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

/** `baking 4:12 left`, `canary 10 % 0:42 left`: the phase and, when it has a timer, what is left of it at `now`. */
function phaseText(progress: StrategyProgress, now: Date): string {
  if (progress.phaseEndsAt === undefined) return progress.phase;
  return `${progress.phase} ${timeLeft(Date.parse(progress.phaseEndsAt) - now.getTime())}`;
}

/** `4:12 left`, `1:02:03 left` (never below 0:00). */
function timeLeft(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds} left`
    : `${minutes}:${seconds} left`;
}

/** `canary 10 % 4:12 left · production 10 % new · 90 % old · answers 4 new, 31 old`. */
export function strategyProgressText(progress: StrategyProgress, now: Date): string {
  const split = trafficSplitText(progress);
  return [
    phaseText(progress, now),
    ...(split ? [split] : []),
    `answers ${progress.newAnswers} new, ${progress.oldAnswers} old`,
  ].join(' · ');
}
