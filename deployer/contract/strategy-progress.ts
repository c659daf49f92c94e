// Part of the status contract (status-model.ts): the strategy gate's view of a traffic-shifting rollout.

/** An ECS blue/green, canary or linear deployment as the strategy gate sees it (runtime/rollout/strategy-gate.ts). */
export interface StrategyProgress {
  strategy: 'blue-green' | 'linear' | 'canary';
  serviceDeploymentArn: string;
  /** ECS's lifecycleStage (DescribeServiceDeployments): TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME... */
  stage?: string;
  /** The phase in words: `test traffic`, `canary 10 %`, `step 3/10`, `baking` (phaseEndsAt: how long it lasts). */
  phase: string;
  /**
   * When the phase's timer by the config ends (bake, canary bake, linear step bake), ISO time, counted
   * from the gate's first look at the phase (so up to one verify interval late); absent: no timer of ours.
   */
  phaseEndsAt?: string;
  /** Percent of production traffic ECS gives the new revision now (its requested weight). */
  productionPercent?: number;
  /** Percent of test traffic the new revision gets now. */
  testPercent?: number;
  /** Probes the new revision answered well, and probes the old revision answered. */
  newAnswers: number;
  oldAnswers: number;
}
