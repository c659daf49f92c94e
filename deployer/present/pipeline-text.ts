// A service's pipeline in words, shared by the CLI and the dashboard: its environments in order with
// what each runs and its verdict, and for a promoted one what was promoted, what still soaks upstream
// and which newer digests were refused and why (config `environments`, status `pipeline`).
import type { PromotionStatus } from '../contract/pipeline-status.ts';
import type { ServiceStatus } from '../contract/status-model.ts';
import { formatTime, imageLabel, liveImageStatus, shortDigest } from './format-values.ts';

/** One environment of a pipeline as the overview shows it. */
export interface StageView {
  environment: string;
  /** The status entry's name: `actors@production`. */
  target: string;
  /** What it runs (`1.1.0@0123456789ab`), or `—`. */
  live: string;
  state: string;
  /** Waiting for a soak, refused digests: absent when there is nothing to say. */
  note?: string;
}

export interface PipelineView {
  service: string;
  stages: StageView[];
}

/** `staging` from `actors@staging`. */
const environmentOf = (target: string) => target.slice(target.indexOf('@') + 1);
const named = (d: { digest: string; tag?: string }) => d.tag ?? shortDigest(d.digest);

/** `refused 1.2.0 (DeploymentFailed in staging); 1.3.0 soaks in staging until 10:15:00`. */
export function promotionNote(promotion: PromotionStatus): string | undefined {
  const parts = [
    ...promotion.refused.map((r) => `refused ${named(r)} (${r.reason} in ${environmentOf(r.environment)})`),
    ...(promotion.soaking
      ? [
          `${named(promotion.soaking)} soaks in ${environmentOf(promotion.from)} until ${formatTime(promotion.soaking.until)}`,
        ]
      : []),
  ];
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Every pipeline among the services, its environments in pipeline order (absent ones skipped). */
export function pipelineViews(services: readonly ServiceStatus[]): PipelineView[] {
  const byPipeline = new Map<string, { stages: string[]; statuses: Map<string, ServiceStatus> }>();
  for (const service of services) {
    const pipeline = service.pipeline;
    if (!pipeline) continue;
    const entry = byPipeline.get(pipeline.service) ?? { stages: pipeline.stages, statuses: new Map() };
    entry.statuses.set(pipeline.environment, service);
    byPipeline.set(pipeline.service, entry);
  }
  return [...byPipeline.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([service, { stages, statuses }]) => ({
      service,
      stages: stages.flatMap((environment) => {
        const status = statuses.get(environment);
        if (!status) return [];
        const promotion = status.pipeline?.promotion;
        const note = promotion ? promotionNote(promotion) : undefined;
        return [
          {
            environment,
            target: status.name,
            live: imageLabel(liveImageStatus(status)),
            state: status.sync.state,
            ...(note ? { note } : {}),
          },
        ];
      }),
    }));
}

/** `actors: staging 1.1.0@… Synced → production 1.1.0@… Synced (refused 1.2.0 (DeploymentFailed in staging))`. */
export function pipelineLine(view: PipelineView): string {
  const stages = view.stages.map(
    (s) => `${s.environment} ${s.live} ${s.state}${s.note ? ` (${s.note})` : ''}`,
  );
  return `${view.service}: ${stages.join(' → ')}`;
}

/** The detail lines of one environment: where it sits in its pipeline and what its promotion did. */
export function promotionLines(service: ServiceStatus): string[] {
  const pipeline = service.pipeline;
  if (!pipeline) return [];
  const stages = pipeline.stages.map((s) => (s === pipeline.environment ? `[${s}]` : s)).join(' → ');
  const lines = [`Pipeline:  ${pipeline.service}: ${stages}`];
  const promotion = pipeline.promotion;
  if (!promotion) {
    if (pipeline.stages[0] === pipeline.environment)
      lines.push('Promotion: first environment: follows image.track');
    return lines;
  }
  const soak = promotion.soakMinutes > 0 ? ` after ${promotion.soakMinutes} min soak` : '';
  lines.push(
    promotion.promoted
      ? `Promotion: from ${promotion.from}${soak}: ${named(promotion.promoted)} (${shortDigest(promotion.promoted.digest)}) verified there ${formatTime(promotion.promoted.verifiedAt)}`
      : `Promotion: from ${promotion.from}${soak}: nothing verified there yet`,
  );
  const note = promotionNote(promotion);
  if (note) lines.push(`           ${note}`);
  return lines;
}
