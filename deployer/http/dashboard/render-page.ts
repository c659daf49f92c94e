// The dashboard page: server-rendered, no external assets, updated in place from /events.

import { DASHBOARD_PATHS } from '../../contract/dashboard-paths.ts';
import { healthAndDrift } from '../../contract/service-health.ts';
import type { DeployerStatus, ServiceStatus } from '../../contract/status-model.ts';
import { emptyStateMessage } from '../../present/empty-state.ts';
import { formatTime, shortRevision } from '../../present/format-values.ts';
import { ACTION_SCRIPT } from './action-script.ts';
import { configErrorsBanner } from './config-errors-banner.ts';
import { html, type SafeHtml, trusted } from './escape-html.ts';
import type { Operator } from './operator-session.ts';
import { PAGE_SCRIPT } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';
import { pipelineOverview } from './pipeline-notice.ts';
import { serviceCard } from './service-card.ts';

/** The part of the page that is replaced on every status update. */
export function renderDashboardBody(status: DeployerStatus): string {
  return html`${summary(status)}
${configErrorsBanner(status.config)}
${pipelineOverview(status.services)}
${
  status.services.length === 0
    ? html`<p class="empty">${emptyStateMessage(status)}</p>`
    : status.services.map(serviceCard)
}`.value;
}

/** Who looks: an operator gets the action buttons; others may get a link to sign in as one. */
export interface Viewer {
  operator?: Operator | undefined;
  /** Offer the sign-in form (an operate token exists and this viewer is not signed in with one). */
  offerSignIn?: boolean;
}

export function renderDashboardPage(status: DeployerStatus, nonce: string, viewer: Viewer = {}): string {
  const { operator } = viewer;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${pageTitle(status)}</title>
<style nonce="${nonce}">${trusted(PAGE_STYLE)}</style>
</head>
<body${operator ? html` data-operator="${operator.name}" data-action-key="${operator.actionKey}"` : ''}>
<header class="top"><h1>ecs-gitops</h1><span id="live" class="live live-connecting" aria-live="polite">connecting…</span>${whoLine(viewer)}</header>
<p id="stale" class="banner banner-stale" role="status" hidden></p>
${operator ? operatorParts() : ''}
<main id="dashboard">${trusted(renderDashboardBody(status))}</main>
<script nonce="${nonce}">${trusted(PAGE_SCRIPT)}${operator ? trusted(ACTION_SCRIPT) : ''}</script>
</body>
</html>`.value;
}

function whoLine(viewer: Viewer): SafeHtml | string {
  if (viewer.operator)
    return html`<span class="who" title="this session may sync, suspend, resume and roll back">operator <strong>${viewer.operator.name}</strong></span>`;
  if (viewer.offerSignIn) return html`<a class="who" href="${DASHBOARD_PATHS.signIn}">sign in to act</a>`;
  return '';
}

/** The action result line and the rollback confirmation (action-script.ts drives both). */
function operatorParts(): SafeHtml {
  return html`<p id="action-result" class="banner action-result" role="status" hidden></p>
<dialog id="confirm-rollback" aria-label="confirm rollback"><form method="dialog">
<p>Roll back <strong data-confirm-service></strong> to the revision that ran before the live one?</p>
<p class="muted small">ECS deploys that revision now, and tracking stays suspended until you resume it.</p>
<button value="cancel">Cancel</button> <button value="rollback" class="danger">Roll back</button>
</form></dialog>`;
}

/** Tab title that tells at a glance whether anything needs attention, e.g. `1 OutOfSync · ecs-gitops`. */
export function pageTitle(status: DeployerStatus): string {
  const counts = new Map<string, number>();
  for (const service of status.services) {
    const state = attention(service);
    if (state) counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  const parts = [...counts].map(([state, count]) => `${count} ${state}`);
  if (status.config.errors.length > 0) parts.unshift('config rejected');
  return parts.length === 0 ? 'ecs-gitops' : `${parts.join(', ')} · ecs-gitops`;
}

/** What a service needs attention for: its health first, then whether it runs what git wants. */
function attention(service: ServiceStatus): string | undefined {
  const { health, drift } = healthAndDrift(service);
  if (health.state !== 'Healthy') return health.state;
  if (drift.state === 'OutOfSync') return drift.state;
  // Healthy and in sync, but the last reconcile failed (a config or registry problem): say so too.
  if (service.sync.state === 'Failed' || service.sync.state === 'Degraded') return service.sync.state;
  return undefined;
}

function summary(status: DeployerStatus): SafeHtml {
  const config = status.config;
  return html`<section class="summary">
<span><span class="muted">mode</span> ${status.mode}</span>
<span><span class="muted">version</span> ${status.version}</span>
<span><span class="muted">up since</span> <time datetime="${status.startedAt}">${formatTime(status.startedAt)}</time></span>
<span><span class="muted">config</span> <code id="config-revision" title="${config.revision ?? ''}">${shortRevision(config.revision) || 'none'}</code></span>
<span><span class="muted">head</span> <code id="config-head" title="${config.headRevision ?? ''}">${shortRevision(config.headRevision) || 'not read'}</code>${config.readAt ? html` <span class="muted">read</span> <time id="config-read-at" datetime="${config.readAt}">${formatTime(config.readAt)}</time>` : ''}</span>
<span><span class="muted">queue</span> <span id="queue">${figure(status.queue.visible)} waiting, ${figure(status.queue.inFlight)} in flight</span></span>
</section>`;
}

function figure(value: number | null): string {
  return value === null ? '?' : String(value);
}

/**
 * What a browser gets instead of a JSON 401 in aws mode: a one-field form that POSTs the token to
 * /dashboard/sign-in (never in the URL: URLs land in access logs); the answer sets a read-only session
 * cookie and sends the browser back to `next`.
 */
export function renderSignInPage(nonce: string, next: string, refused: boolean): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ecs-gitops: sign in</title>
<style nonce="${nonce}">${trusted(PAGE_STYLE)}</style>
</head>
<body>
<header class="top"><h1>ecs-gitops</h1></header>
<main class="sign-in">
<form method="post" action="${DASHBOARD_PATHS.signIn}">
<p>This deployer runs in aws mode: its dashboard needs an API token (<code>STATUS_TOKEN</code>, the
secret named by the <code>StatusTokenArn</code> stack output, or a read token from <code>API_TOKENS</code>).</p>
${refused ? html`<p class="banner banner-error" role="alert">That token was not accepted.</p>` : ''}
<input type="hidden" name="next" value="${next}">
<label>API token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Open the dashboard</button>
<p class="muted small">The browser keeps a session cookie (12 hours). With a read token the page only shows;
with an operate token it also offers sync, suspend/resume and rollback.</p>
</form>
</main>
</body>
</html>`.value;
}
