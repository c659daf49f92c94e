// The line a service card shows while a gate holds its rollout (domain/gates): which digest waits,
// for what, and what to run or when it opens.
import type { ServiceStatus } from '../../contract/status-model.ts';
import { formatTime, shortDigest } from '../../present/format-values.ts';
import { html, type SafeHtml } from './escape-html.ts';

export function gateNotice(service: ServiceStatus): SafeHtml | string {
  const { gate } = service;
  if (!gate) return '';
  const next =
    gate.reason === 'PendingApproval'
      ? html`run <code>npx ecs-gitops approve ${service.name}</code> or <code>reject</code>`
      : gate.opensAt
        ? html`opens <time datetime="${gate.opensAt}">${formatTime(gate.opensAt)}</time>; <code>npx ecs-gitops sync ${service.name} --override-window</code> starts it now`
        : html`no opening within 31 days; <code>npx ecs-gitops sync ${service.name} --override-window</code> starts it now`;
  const label = gate.reason === 'PendingApproval' ? 'Pending approval' : 'Outside sync window';
  return html`<p class="gate" data-gate="${gate.reason}"><strong>${label}</strong>: <code>${shortDigest(gate.digest)}</code> held — ${next}</p>`;
}
