// How one environment of a pipeline (config `environments`, docs/config.md "Environments and
// promotion") reads in the status: which environment of which service, and for one promoted from
// another, what was promoted, what still soaks upstream and which newer digests were refused and why.
import type { PromotionStatus } from '../domain/promotion.ts';

export type { PromotionStatus };

export interface PipelineStatus {
  /** The file's service name, shared by every environment (`actors`). */
  service: string;
  /** This environment (`production`); the status entry's name is `actors@production`. */
  environment: string;
  /** The pipeline's environments in order; the first follows image.track. */
  stages: string[];
  /** Present for an environment promoted from another (absent on the first, or one that pins). */
  promotion?: PromotionStatus;
}
