// Text views of GET /status for `ecs-gitops status`: a table of every service, or one service in detail.

import { healthAndDrift, healthLine } from '../../contract/service-health.ts';
import type {
  DeployerStatus,
  GateStatus,
  RolloutRecord,
  ServiceStatus,
} from '../../contract/status-model.ts';
import { emptyStateMessage } from '../../present/empty-state.ts';
import {
  formatDuration,
  formatTime,
  imageLabel,
  knownTags,
  liveImageStatus,
  shortDigest,
  shortRevision,
  withKnownTag,
} from '../../present/format-values.ts';
import { pipelineLine, pipelineViews, promotionLines } from '../../present/pipeline-text.ts';
import { strategyProgressText } from '../../present/strategy-progress-text.ts';
import { cliHint } from '../cli-io.ts';
import { noPaint, type Paint, stateColour } from './colour.ts';
import { failureLines, verifyLines } from './failure-report.ts';
import { printable, textTable } from './text-table.ts';

export const STATUS_COLUMNS = [
  'SERVICE',
  'STATE',
  'HEALTH',
  'DESIRED',
  'LIVE',
  'STEP',
  'LAST ROLLOUT',
] as const;

export function statusTable(status: DeployerStatus, paint: Paint = noPaint): string {
  const lines: string[] = [];
  if (status.services.length === 0) lines.push(emptyStateMessage(status));
  else
    lines.push(
      textTable(
        STATUS_COLUMNS,
        status.services.map(statusRow),
        (cell, column) => (text) => (column === 1 ? paint(text, stateColour(cell)) : text),
      ),
    );
  const pipelines = pipelineViews(status.services);
  if (pipelines.length > 0)
    lines.push('', 'Pipelines:', ...pipelines.map((view) => `  ${printable(pipelineLine(view))}`), '');
  lines.push(...configProblems(status));
  lines.push(
    `config ${shortRevision(status.config.revision) || 'none'} · head ${configHead(status)} · queue ${figure(status.queue.visible)} waiting, ${figure(status.queue.inFlight)} in flight · ${status.mode} mode · deployer ${printable(status.version)}`,
  );
  return lines.join('\n');
}

function statusRow(service: ServiceStatus): string[] {
  return [
    printable(service.name),
    stateLabel(service),
    healthCell(service),
    printable(imageLabel(service.desired)),
    printable(imageLabel(liveImageStatus(service))),
    stepCell(service),
    lastRollout(service.recentRollouts[0]),
  ];
}

/** `Waiting`, or `Waiting (canary 10 %)` while ECS shifts traffic under a strategy. */
function stepCell(service: ServiceStatus): string {
  const current = service.currentRollout;
  if (!current) return '-';
  const phase = current.step === 'Waiting' ? current.strategy?.phase : undefined;
  return phase ? `${current.step} (${printable(phase)})` : current.step;
}

/** Argo CD's pair: `Healthy·OutOfSync` (details in `status <service>`). */
function healthCell(service: ServiceStatus): string {
  const { health, drift } = healthAndDrift(service);
  return `${health.state}·${drift.state}`;
}

function stateLabel(service: ServiceStatus): string {
  const state = service.sync.state;
  return service.suspended && state !== 'Suspended' ? `${state} (suspended)` : state;
}

function lastRollout(rollout: RolloutRecord | undefined): string {
  if (!rollout) return '-';
  const reason = rollout.result === 'Succeeded' ? '' : ` ${printable(rollout.reason)}`;
  return `${rollout.result}${reason} ${formatTime(rollout.finishedAt)}`;
}

/** The revision at the source (disk or branch head) and when it was read. */
function configHead(status: DeployerStatus): string {
  const { headRevision, readAt } = status.config;
  if (!headRevision || !readAt) return 'not read yet';
  return `${shortRevision(headRevision)} read ${formatTime(readAt)}`;
}

export function configProblems(status: Pick<DeployerStatus, 'config'>): string[] {
  const { config } = status;
  if (config.errors.length === 0) return [];
  return [
    '',
    config.revision
      ? `Running last good revision ${shortRevision(config.revision)}; HEAD ${shortRevision(config.lastAttemptedRevision) || 'unknown'} is invalid:`
      : `HEAD ${shortRevision(config.lastAttemptedRevision) || 'unknown'} is invalid; no valid config applied yet:`,
    ...config.errors.map(
      (e) =>
        `  ${printable(e.file)}:${e.line}:${e.column} ${e.field ? `${printable(e.field)}: ` : ''}${printable(e.message)}`,
    ),
    '',
  ];
}

export function serviceDetail(service: ServiceStatus, nowMs: number = Date.now()): string {
  const tags = knownTags(service);
  const lines = [
    `Service:   ${printable(service.name)}`,
    `State:     ${stateLabel(service)} (${printable(service.sync.reason)}) since ${formatTime(service.sync.since)}`,
  ];
  if (service.sync.message) lines.push(`           ${printable(service.sync.message)}`);
  if (service.gate) lines.push(gateLine(service.name, service.gate));
  const { health } = healthAndDrift(service);
  lines.push(`Health:    ${printable(healthLine(service))}; ${printable(health.message)}`);
  if (service.tasks)
    lines.push(
      `Tasks:     ${service.tasks.running} running, ${service.tasks.desired} desired, ${service.tasks.pending} pending (${formatTime(service.tasks.observedAt)})`,
    );
  lines.push(
    service.desired
      ? `Desired:   ${printable(service.desired.image)}  (${printable(service.desired.reason)})`
      : 'Desired:   none chosen',
    service.live
      ? `Live:      ${printable(service.live.image)}  (${printable(service.live.taskDefinitionArn)})`
      : 'Live:      unknown',
  );
  lines.push(...promotionLines(service).map(printable));
  const current = service.currentRollout;
  if (current) {
    lines.push(
      `Rollout:   ${current.id} ${printable(imageLabel(withKnownTag(current.from, tags)))} -> ${printable(imageLabel(current.to))}, step ${current.step}, since ${formatTime(current.startedAt)}`,
    );
    if (current.strategy && current.step === 'Waiting')
      lines.push(
        `Strategy:  ${current.strategy.strategy}: ${printable(strategyProgressText(current.strategy, new Date(nowMs)))}`,
      );
  }
  lines.push(...verifyLines(service, nowMs));
  lines.push(`Reconciled: ${service.lastReconciledAt ? formatTime(service.lastReconciledAt) : 'never'}`);
  lines.push(...failureLines(service.lastFailure));
  if (service.failedDigests.length > 0) {
    lines.push(
      '',
      `Failed digests (not retried until the desired image changes or \`${cliHint(`sync ${service.name}`)}\`):`,
    );
    for (const f of service.failedDigests)
      lines.push(
        `  ${shortDigest(f.digest)}  ${printable(f.reason)}  ${formatTime(f.failedAt)}  ${f.rolloutId}` +
          (f.message ? `\n    ${printable(f.message)}` : ''),
      );
  }
  lines.push('', 'Recent rollouts:');
  if (service.recentRollouts.length === 0) lines.push('  none');
  else
    lines.push(
      textTable(
        ['  STARTED', 'FROM', 'TO', 'RESULT', 'DURATION', 'REASON', 'CONFIG'],
        service.recentRollouts.map((r) => [
          `  ${formatTime(r.startedAt)}`,
          printable(imageLabel(withKnownTag(r.from, tags))),
          printable(imageLabel(r.to)),
          r.result,
          formatDuration(r.durationMs),
          printable(r.reason),
          shortRevision(r.configRevision),
        ]),
      ),
    );
  if (service.events.length > 0) {
    lines.push('', 'ECS events:');
    for (const e of service.events.slice(0, 5))
      lines.push(`  ${formatTime(e.createdAt)}  ${printable(e.message)}`);
  }
  return lines.join('\n');
}

function figure(value: number | null): string {
  return value === null ? '?' : String(value);
}

/** `Gate:  PendingApproval sha256:… (npx ecs-gitops approve actors)` while a gate holds the rollout. */
function gateLine(name: string, gate: GateStatus): string {
  const next =
    gate.reason === 'PendingApproval'
      ? `npx ecs-gitops approve ${printable(name)} | reject ${printable(name)}`
      : `${gate.opensAt ? `opens ${formatTime(gate.opensAt)}` : 'no opening within 31 days'}; sync --override-window starts it`;
  return `Gate:      ${gate.reason} ${shortDigest(gate.digest)} (${next})`;
}
