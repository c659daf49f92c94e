// The parts of `status <service>` that say why: verification progress while it runs, and why the last
// failed rollout failed (stopped tasks, exit codes, last log lines, console links).
import type { RolloutFailureStatus, ServiceStatus } from '../../contract/status-model.ts';
import { containerExitTexts } from '../../domain/stopped-tasks.ts';
import { formatTime, shortDigest } from '../../present/format-values.ts';
import { verifyProgressText } from '../../present/verify-progress-text.ts';
import { printable } from './text-table.ts';

/** `Verifying: <url> probe 3 of 13 · ...`, or nothing when the rollout is not verifying. */
export function verifyLines(service: ServiceStatus, nowMs: number): string[] {
  const progress = service.currentRollout?.verify;
  if (!progress || service.currentRollout?.step !== 'Verifying') return [];
  return [`Verifying: ${printable(progress.url)}  ${printable(verifyProgressText(progress, nowMs))}`];
}

export function failureLines(failure: RolloutFailureStatus | undefined): string[] {
  if (!failure) return [];
  const lines = [
    '',
    `Why the last rollout failed (${printable(failure.reason)}, ${shortDigest(failure.digest)}, ${formatTime(failure.at)}):`,
  ];
  if (failure.stoppedTasks.length === 0) lines.push('  no stopped task to show');
  for (const task of failure.stoppedTasks) {
    const code = task.stopCode ? ` [${printable(task.stopCode)}]` : '';
    lines.push(
      `  task ${printable(task.taskId)}: ${printable(task.stoppedReason || 'stopped')}${code}${task.stoppedAt ? ` at ${formatTime(task.stoppedAt)}` : ''}`,
    );
    for (const exit of containerExitTexts(task.containers)) lines.push(`    container ${printable(exit)}`);
    if (task.logs)
      lines.push(`    last log lines (${printable(task.logs.group)} ${printable(task.logs.stream)}):`);
    else if (task.logLines.length > 0) lines.push('    last log lines:');
    for (const line of task.logLines) lines.push(`      | ${printable(line)}`);
    if (task.logs?.url) lines.push(`    logs: ${task.logs.url}`);
    if (task.url) lines.push(`    task: ${task.url}`);
  }
  if (failure.deploymentsUrl) lines.push(`  ECS deployments: ${failure.deploymentsUrl}`);
  for (const note of failure.notes) lines.push(`  note: ${printable(note)}`);
  return lines;
}
