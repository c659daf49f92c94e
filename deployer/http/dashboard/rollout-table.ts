// The recent rollouts of one service: time, from → to, result, duration, reason, config revision.
import type { RolloutRecord } from '../../contract/status-model.ts';
import {
  formatDuration,
  formatTime,
  imageLabel,
  shortRevision,
  withKnownTag,
} from '../../present/format-values.ts';
import { html, type SafeHtml } from './escape-html.ts';
import { resultBadge } from './sync-badge.ts';

/** `tags` (digest → tag, see knownTags) names images that the record only knows by digest. */
export function rolloutTable(
  rollouts: readonly RolloutRecord[],
  tags: ReadonlyMap<string, string> = new Map(),
): SafeHtml {
  if (rollouts.length === 0) return html`<p class="muted">No rollouts yet.</p>`;
  return html`<table class="rollouts">
<thead><tr><th>Started</th><th>From → to</th><th>Result</th><th>Duration</th><th>Reason</th><th>Config</th></tr></thead>
<tbody>${rollouts.map((rollout) => rolloutRow(rollout, tags))}</tbody>
</table>`;
}

function rolloutRow(rollout: RolloutRecord, tags: ReadonlyMap<string, string>): SafeHtml {
  return html`<tr data-rollout="${rollout.id}">
<td><time datetime="${rollout.startedAt}">${formatTime(rollout.startedAt)}</time></td>
<td><code title="${rollout.from?.image ?? ''}">${imageLabel(withKnownTag(rollout.from, tags))}</code> → <code title="${rollout.to.image}">${imageLabel(rollout.to)}</code></td>
<td>${resultBadge(rollout.result)}</td>
<td>${formatDuration(rollout.durationMs)}</td>
<td>${rollout.reason}</td>
<td><code title="${rollout.configRevision}">${shortRevision(rollout.configRevision)}</code></td>
</tr>`;
}
