// What a manual rollback does (or, with dryRun, would do): from which revision to which, named the way
// `rollback --to` takes them. Part of the answer of POST /api/services/:service/rollback.

export interface RevisionSummary {
  taskDefinitionArn: string;
  /** `family:revision`. */
  revision: string;
  image: string | null;
  digest?: string;
  tag?: string;
}

export interface RollbackPlan {
  service: string;
  from: RevisionSummary;
  to: RevisionSummary;
  /** True when nothing was changed (`--dry-run`). */
  dryRun: boolean;
}
