// Our verification as the gate of an ECS blue/green, canary or linear deployment (pure): which traffic a
// lifecycle stage lets us probe, what one probe's answer means, and when to stop the deployment.
// ECS's lifecycle stages (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeployment.html,
// lifecycleStage): in TEST_TRAFFIC_SHIFT "the green service revision is migrating from 0% to 100% of test
// traffic", in POST_TEST_TRAFFIC_SHIFT it "handles 100% of the test traffic"; in PRODUCTION_TRAFFIC_SHIFT
// production traffic moves (canary share, linear steps, all at once for blue/green), and BAKE_TIME is "when
// both blue and green service revisions are running simultaneously after the production traffic has shifted".
import type { RolloutStrategy, StrategySettings, TestTraffic } from './rollout-strategy.ts';
import { HOLD_STAGE } from './test-traffic-hold.ts';

/** The in-progress ECS service deployment, as DescribeServiceDeployments describes it. */
export interface LiveServiceDeployment {
  arn: string;
  /** PENDING, IN_PROGRESS, ROLLBACK_REQUESTED... (API_ServiceDeployment.html status). */
  status: string;
  lifecycleStage?: string;
  /** requestedProductionTrafficWeight / requestedTestTrafficWeight of the target revision (0-100). */
  productionPercent?: number;
  testPercent?: number;
  /** A PAUSE lifecycle hook holds the deployment (lifecycleHookDetails status AWAITING_ACTION): its hookId. */
  awaitingHookId?: string;
}

const TEST_STAGES = new Set(['TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT']);
const PRODUCTION_STAGES = new Set(['PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME']);

/**
 * Where the probes of one look go in this stage: through the test header, through production, or nowhere
 * (yet). Canary and linear are judged on production traffic while it shifts and bakes, counting which
 * revision answers; with a test header the new revision is also probed directly (the test listener rule
 * keeps sending it test traffic after TEST_TRAFFIC_SHIFT), so a bad canary is caught at the first look
 * instead of when a production probe happens to land on its share. Blue/green's production shift is all
 * at once: the hold at test traffic (test-traffic-hold.ts) and the verify step after completion judge it.
 */
export function probeTargets(
  stage: string | undefined,
  strategy: RolloutStrategy,
  testTraffic: TestTraffic | undefined,
): ('test' | 'production')[] {
  if (stage === undefined) return [];
  // Test traffic needs a header we can send; a listener rule ARN alone gives us no way in.
  const header = testTraffic !== undefined && 'header' in testTraffic;
  if (TEST_STAGES.has(stage)) return header ? ['test'] : [];
  if (PRODUCTION_STAGES.has(stage) && strategy !== 'blue-green')
    return header ? ['production', 'test'] : ['production'];
  return [];
}

export type ProbeVerdict =
  /** The new revision answered well. */
  | { kind: 'new-ok' }
  /** The old revision answered (its share of production, or test traffic not moved yet). */
  | { kind: 'old' }
  /** The new revision answered badly, or test traffic (which only the new revision should get) failed. */
  | { kind: 'fail'; message: string }
  /** An error we cannot pin on either revision (no digest in the answer). */
  | { kind: 'unattributed'; message: string };

const DIGEST = /^sha256:[0-9a-f]{64}$/;

function digestOf(body: unknown): string | undefined {
  const digest = (body as { digest?: unknown } | undefined)?.digest;
  return typeof digest === 'string' && DIGEST.test(digest) ? digest : undefined;
}

/** What one probe's answer (or transport failure) says about the new revision `digest`. */
export function judgeStrategyProbe(
  target: 'test' | 'production',
  stage: string,
  digest: string,
  answer: { status: number; body: unknown } | { error: string },
): ProbeVerdict {
  const where = target === 'test' ? 'test traffic' : 'production traffic';
  if ('error' in answer)
    return target === 'test' && stage === 'POST_TEST_TRAFFIC_SHIFT'
      ? { kind: 'fail', message: `${where} to the new revision failed: ${answer.error}` }
      : { kind: 'unattributed', message: answer.error };
  const answered = digestOf(answer.body);
  const ok = answer.status >= 200 && answer.status < 300;
  if (answered === digest)
    return ok
      ? { kind: 'new-ok' }
      : { kind: 'fail', message: `the new revision answered ${where} with HTTP ${answer.status}` };
  if (answered !== undefined && ok)
    // All test traffic is the new revision's once POST_TEST_TRAFFIC_SHIFT is reached.
    return target === 'test' && stage === 'POST_TEST_TRAFFIC_SHIFT'
      ? {
          kind: 'fail',
          message: `test traffic reached ${answered.slice(0, 19)}, not the new revision ${digest.slice(0, 19)}`,
        }
      : { kind: 'old' };
  const message = `HTTP ${answer.status}${answered ? ` from ${answered.slice(0, 19)}` : ' without a digest'}`;
  return target === 'test' && stage === 'POST_TEST_TRAFFIC_SHIFT'
    ? { kind: 'fail', message: `${where} to the new revision failed: ${message}` }
    : { kind: 'unattributed', message };
}

/** What the gate has seen of this deployment so far (shown on the status). */
export interface GateTally {
  newOk: number;
  /** Of `newOk`, the good answers through the test header (they release a blue/green held at test traffic). */
  testOk: number;
  old: number;
  /** Errors in a row that no digest pins on a revision; `failAfter` of them stop the deployment. */
  unattributedStreak: number;
}

export const EMPTY_TALLY: GateTally = { newOk: 0, testOk: 0, old: 0, unattributedStreak: 0 };

/** The tally after one verdict (of a probe sent to `target`), and whether the deployment must be stopped (with why). */
export function tallyProbe(
  tally: GateTally,
  verdict: ProbeVerdict,
  failAfter: number,
  target: 'test' | 'production' = 'production',
): { tally: GateTally; stop?: string } {
  switch (verdict.kind) {
    case 'new-ok':
      return {
        tally: {
          ...tally,
          newOk: tally.newOk + 1,
          testOk: tally.testOk + (target === 'test' ? 1 : 0),
          unattributedStreak: 0,
        },
      };
    case 'old':
      return { tally: { ...tally, old: tally.old + 1, unattributedStreak: 0 } };
    case 'fail':
      return { tally, stop: verdict.message };
    case 'unattributed': {
      const streak = tally.unattributedStreak + 1;
      const next = { ...tally, unattributedStreak: streak };
      return streak >= failAfter
        ? { tally: next, stop: `${streak} probes in a row failed (${verdict.message})` }
        : { tally: next };
    }
  }
}

/** The phase in words for the status: `test traffic`, `test traffic (held)`, `canary 10 %`, `step 3/10`, `baking`. */
export function describePhase(
  strategy: { strategy: RolloutStrategy; linear?: { stepPercent: number } },
  deployment: Pick<LiveServiceDeployment, 'lifecycleStage' | 'productionPercent' | 'awaitingHookId'>,
): string {
  const stage = deployment.lifecycleStage;
  if (stage === undefined) return 'starting';
  if (TEST_STAGES.has(stage)) return deployment.awaitingHookId ? 'test traffic (held)' : 'test traffic';
  if (stage === 'BAKE_TIME') return 'baking';
  const percent = deployment.productionPercent ?? 0;
  if (stage === 'PRODUCTION_TRAFFIC_SHIFT' && strategy.strategy === 'canary' && percent < 100)
    return `canary ${percent} %`;
  if (stage === 'PRODUCTION_TRAFFIC_SHIFT' && strategy.strategy === 'linear' && strategy.linear) {
    const step = strategy.linear.stepPercent;
    const steps = Math.ceil(100 / step - 1e-9);
    return `step ${Math.min(steps, Math.max(1, Math.ceil(percent / step - 1e-9)))}/${steps}`;
  }
  return stage.toLowerCase().replaceAll('_', ' ');
}

/**
 * How many ECS minutes the deployment's current phase lasts by the config: the final bake, a canary's
 * bake at its percent, a linear step's bake; undefined when no timer of ours applies (ECS's default
 * bake, a shift that waits on nothing, the last linear step: "not applied after reaching 100 percent").
 */
export function phaseMinutes(
  strategy: Pick<StrategySettings, 'strategy' | 'bakeMinutes' | 'canary' | 'linear'>,
  deployment: Pick<LiveServiceDeployment, 'lifecycleStage' | 'productionPercent'>,
): number | undefined {
  const stage = deployment.lifecycleStage;
  if (stage === 'BAKE_TIME') return strategy.bakeMinutes;
  if (stage !== 'PRODUCTION_TRAFFIC_SHIFT' || (deployment.productionPercent ?? 0) >= 100) return undefined;
  if (strategy.strategy === 'canary') return strategy.canary?.bakeMinutes;
  if (strategy.strategy === 'linear') return strategy.linear?.stepBakeMinutes;
  return undefined;
}

/**
 * What to do with a deployment a PAUSE hook holds at test traffic (test-traffic-hold.ts): `continue` once
 * the green revision answered `successesNeeded` test probes well (and none badly: a bad one stops the
 * deployment first), `wait` otherwise, `none` when no hold of ours awaits action.
 */
export function holdDecision(
  deployment: Pick<LiveServiceDeployment, 'lifecycleStage' | 'awaitingHookId'>,
  tally: GateTally,
  successesNeeded: number,
): { kind: 'none' } | { kind: 'wait' } | { kind: 'continue'; hookId: string } {
  if (deployment.lifecycleStage !== HOLD_STAGE || !deployment.awaitingHookId) return { kind: 'none' };
  return tally.testOk >= successesNeeded
    ? { kind: 'continue', hookId: deployment.awaitingHookId }
    : { kind: 'wait' };
}
