// What ECS reports for the service (from the DescribeServices the deployer already makes on each
// reconcile and poll): running/desired/pending task counts, and the latest service events in view
// (older ones folded).
import type { ServiceStatus } from '../../contract/status-model.ts';
import { formatTime } from '../../present/format-values.ts';
import { html, type SafeHtml } from './escape-html.ts';

/** Events shown without unfolding, and in all. */
export const EVENTS_IN_VIEW = 3;
const MAX_EVENTS = 10;

export function taskCounts(service: ServiceStatus): SafeHtml {
  const tasks = service.tasks;
  if (!tasks) return html`<span class="muted">not read yet</span>`;
  const short = tasks.running < tasks.desired;
  return html`<span class="tasks${short ? ' tasks-short' : ''}" data-running="${tasks.running}" data-desired="${tasks.desired}" data-pending="${tasks.pending}"><strong>${tasks.running}</strong> running · ${tasks.desired} desired · ${tasks.pending} pending</span> <span class="muted">at <time datetime="${tasks.observedAt}">${formatTime(tasks.observedAt)}</time></span>`;
}

export function latestEvents(service: ServiceStatus): SafeHtml | string {
  if (service.events.length === 0) return '';
  const inView = service.events.slice(0, EVENTS_IN_VIEW);
  const older = service.events.slice(EVENTS_IN_VIEW, MAX_EVENTS);
  return html`<div class="latest-events"><h3>Latest ECS events</h3><ul class="events-in-view">
${inView.map(eventItem)}
</ul>${
    older.length > 0
      ? html`<details class="events" data-section="${service.name}/events"><summary>${older.length} older</summary><ul>
${older.map(eventItem)}
</ul></details>`
      : ''
  }</div>`;
}

function eventItem(event: ServiceStatus['events'][number]): SafeHtml {
  return html`<li><time datetime="${event.createdAt}">${formatTime(event.createdAt)}</time> ${event.message}</li>`;
}
