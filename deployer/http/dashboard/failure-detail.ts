// The card's "why" parts: live verification progress while a rollout verifies, and why the last failed
// rollout failed (stopped tasks with stop reason, exit codes, last log lines, console links).
import type { CurrentRollout, RolloutFailureStatus, StoppedTaskStatus } from '../../contract/status-model.ts';
import { containerExitTexts } from '../../domain/stopped-tasks.ts';
import { formatTime, shortDigest } from '../../present/format-values.ts';
import { verifyProgressText } from '../../present/verify-progress-text.ts';
import { html, type SafeHtml } from './escape-html.ts';

/** `probe 3 of 13 · 1 of 3 good in a row · last: ... · 47 s left` under the step bar while Verifying. */
export function verifyProgress(
  rollout: CurrentRollout | null,
  nowMs: number = Date.now(),
): SafeHtml | string {
  const progress = rollout?.verify;
  if (!progress || rollout?.step !== 'Verifying') return '';
  return html`<p class="verify-progress" data-probe="${progress.probe}"><strong>Verifying</strong> <code>${progress.url}</code> — ${verifyProgressText(progress, nowMs)}</p>`;
}

export function failureDetail(failure: RolloutFailureStatus | undefined): SafeHtml | string {
  if (!failure) return '';
  return html`<details class="failure-detail" open data-section="failure/${failure.rolloutId}"><summary>Why the last rollout failed: ${failure.reason} <span class="muted">${shortDigest(failure.digest)} at <time datetime="${failure.at}">${formatTime(failure.at)}</time></span></summary>
${failure.stoppedTasks.length === 0 ? html`<p class="muted">no stopped task to show</p>` : ''}
<ul>${failure.stoppedTasks.map(stoppedTask)}</ul>
${link(failure.deploymentsUrl, 'ECS console: deployments')}
${failure.notes.map((note) => html`<p class="muted small">${note}</p>`)}
</details>`;
}

function stoppedTask(task: StoppedTaskStatus): SafeHtml {
  const exits = containerExitTexts(task.containers);
  return html`<li class="stopped-task" data-task="${task.taskId}"><code title="${task.taskArn}">${task.taskId.slice(0, 12)}</code> ${task.stoppedReason || 'stopped'}${task.stopCode ? html` <span class="muted">${task.stopCode}</span>` : ''}${exits.length > 0 ? html` — <strong class="exit">${exits.join('; ')}</strong>` : ''}
${task.logLines.length > 0 ? html`<pre class="log-lines" title="${task.logs ? `${task.logs.group} ${task.logs.stream}` : 'stderr'}">${task.logLines.join('\n')}</pre>` : ''}
${link(task.logs?.url, 'log stream')} ${link(task.url, 'task in the ECS console')}</li>`;
}

/** Only https links into the AWS console are ever rendered (they come from the status, aws mode). */
function link(url: string | undefined, text: string): SafeHtml | string {
  if (!url?.startsWith('https://')) return '';
  return html`<a href="${url}" rel="noopener noreferrer" target="_blank">${text}</a>`;
}
