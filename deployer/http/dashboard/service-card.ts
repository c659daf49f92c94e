// One card per managed service, composed of small parts (one file each, so additions merge simply):
// health and drift, the last verdict, desired vs live, tasks, the rollout in progress, failures,
// history and ECS events.
import type { ServiceStatus } from '../../contract/status-model.ts';
import {
  formatTime,
  imageLabel,
  knownTags,
  liveImageStatus,
  shortDigest,
} from '../../present/format-values.ts';
import { html, type SafeHtml } from './escape-html.ts';
import { failureDetail, verifyProgress } from './failure-detail.ts';
import { gateNotice } from './gate-notice.ts';
import { githubActivity } from './github-activity.ts';
import { healthBadges } from './health-badges.ts';
import { historyPageUrl } from './history-page.ts';
import { pipelineNotice } from './pipeline-notice.ts';
import { currentRollout } from './rollout-steps.ts';
import { rolloutTable } from './rollout-table.ts';
import { actionSlot } from './service-actions.ts';
import { latestEvents, taskCounts } from './service-tasks.ts';
import { strategyProgress } from './strategy-progress.ts';

export function serviceCard(service: ServiceStatus): SafeHtml {
  const tags = knownTags(service);
  return html`<section class="card" data-service="${service.name}" data-state="${service.sync.state}">
<header class="card-head">
<h2>${service.name} <a class="history" href="${historyPageUrl(service.name)}">history</a></h2>
${healthBadges(service)}
${service.suspended ? html`<span class="tag" title="suspended through the API or by a manual rollback: npx ecs-gitops resume tracks again">suspended</span>` : ''}
${actionSlot(service)}
</header>
<p class="sync-reason" title="last verdict: ${service.sync.state}"><strong>${service.sync.reason}</strong>${service.sync.message ? html` — ${service.sync.message}` : ''} <span class="muted">since <time datetime="${service.sync.since}">${formatTime(service.sync.since)}</time></span></p>
${gateNotice(service)}
${pipelineNotice(service)}
<dl class="images">
<dt>Desired</dt><dd>${desired(service)}</dd>
<dt>Live</dt><dd>${live(service)}</dd>
<dt>Tasks</dt><dd>${taskCounts(service)}</dd>
</dl>
${githubActivity(service)}
${service.currentRollout ? currentRollout(service.currentRollout, tags) : ''}
${strategyProgress(service.currentRollout)}
${verifyProgress(service.currentRollout)}${failureDetail(service.lastFailure)}
${failedDigests(service)}
<h3>Recent rollouts</h3>
${rolloutTable(service.recentRollouts, tags)}
${latestEvents(service)}
<p class="muted small">Last reconciled: ${service.lastReconciledAt ? html`<time datetime="${service.lastReconciledAt}">${formatTime(service.lastReconciledAt)}</time>` : 'never'}</p>
</section>`;
}

function desired(service: ServiceStatus): SafeHtml {
  const d = service.desired;
  if (!d) return html`<span class="muted">none chosen</span>`;
  return html`<code class="desired-image" title="${d.image}">${imageLabel(d)}</code> <span class="muted">${d.reason}</span>`;
}

function live(service: ServiceStatus): SafeHtml {
  const l = service.live;
  if (!l) return html`<span class="muted">unknown</span>`;
  return html`<code class="live-image" title="${l.image}">${imageLabel(liveImageStatus(service))}</code> <span class="muted" title="${l.taskDefinitionArn}">${taskDefinitionLabel(l.taskDefinitionArn)}</span>`;
}

/** `arn:aws:ecs:…:task-definition/actors:7` → `actors:7`. */
function taskDefinitionLabel(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash === -1 ? arn : arn.slice(slash + 1);
}

function failedDigests(service: ServiceStatus): SafeHtml | string {
  if (service.failedDigests.length === 0) return '';
  return html`<div class="failed-digests"><h3>Failed digests <span class="muted small">(not retried until the desired image changes or a manual sync)</span></h3><ul>
${service.failedDigests.map(
  (f) =>
    html`<li><code title="${f.digest}">${shortDigest(f.digest)}</code> ${f.reason} <span class="muted">at <time datetime="${f.failedAt}">${formatTime(f.failedAt)}</time></span>${f.message ? html`<br><span class="small">${f.message}</span>` : ''}</li>`,
)}
</ul></div>`;
}
