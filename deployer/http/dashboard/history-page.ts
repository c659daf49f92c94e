// GET /dashboard/services/:service/history: a service's revisions as an HTML table (the history read
// model, deployer/runtime/service-history.ts): result, image, what triggered each rollout, when, and
// links to the commit, the GitHub deployments, the ECS console and CloudWatch Logs. Server-rendered, no
// script; registered with the read routes, so it has their access rule (a session in aws mode).
import type { FastifyPluginAsync } from 'fastify';
import type { HistoryEntry, HistoryLinks, ServiceHistory } from '../../contract/history-model.ts';
import { describeTrigger } from '../../domain/rollout-trigger.ts';
import { formatDuration, formatTime, imageLabel } from '../../present/format-values.ts';
import type { DeployerRuntime } from '../../runtime/runtime.ts';
import { HISTORY_DEFAULT_LIMIT } from '../../runtime/service-history.ts';
import { sendError } from '../http-errors.ts';
import { html, type SafeHtml, trusted } from './escape-html.ts';

export const HISTORY_PAGE_PATH = '/dashboard/services/:service/history';

/** Where a service card links to. */
export function historyPageUrl(service: string): string {
  return `/dashboard/services/${encodeURIComponent(service)}/history`;
}

const LINK_NAMES: Record<keyof HistoryLinks, string> = {
  commit: 'commit',
  githubDeployment: 'GitHub deployments',
  ecsDeployment: 'ECS deployments',
  ecsTaskDefinition: 'task definition',
  logs: 'logs',
};

const STYLE = `body{font:14px system-ui,sans-serif;margin:1.5rem;color:#222}table{border-collapse:collapse}
th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
.Succeeded{color:#176f2c}.Failed,.RolledBack{color:#b3261e}.InProgress{color:#8a6d00}.live{font-weight:600}
.links a{margin-right:.5rem}.muted{color:#666}`;

export function renderHistoryPage(history: ServiceHistory): string {
  const rows = history.revisions.map(historyRow);
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${history.service} history · ecs-gitops</title>
<style>${trusted(STYLE)}</style></head>
<body><p><a href="/dashboard">← dashboard</a></p>
<h1>${history.service}: history</h1>
<p class="muted">ECS service ${history.ecsService} in ${history.cluster} · family ${history.family} · read from the revisions' ECS tags</p>
<table><thead><tr><th>Revision</th><th>Result</th><th>Image</th><th>Trigger</th><th>Started</th><th>Duration</th><th>Links</th></tr></thead>
<tbody>${rows}</tbody></table>
${history.more > 0 ? html`<p class="muted">${history.more} older active revisions not shown.</p>` : ''}
</body></html>`;
  return page.value;
}

function historyRow(entry: HistoryEntry): SafeHtml {
  const image = entry.image
    ? imageLabel({
        image: entry.image,
        ...(entry.tag ? { tag: entry.tag } : {}),
        ...(entry.digest ? { digest: entry.digest } : {}),
      })
    : '—';
  const reason = entry.reason && entry.reason !== 'RolloutSucceeded' ? ` (${entry.reason})` : '';
  const restored = entry.restored
    ? html`<br><span class="muted">rolled back to at ${formatTime(entry.restored.at)}${entry.restored.by ? ` by ${entry.restored.by}` : ''}</span>`
    : '';
  const links = (Object.entries(entry.links) as [keyof HistoryLinks, string][]).map(
    ([name, url]) => html`<a href="${url}" rel="noreferrer">${LINK_NAMES[name]}</a>`,
  );
  return html`<tr${entry.live ? trusted(' class="live"') : ''}>
<td title="${entry.taskDefinitionArn}">${entry.revision}${entry.live ? ' (live)' : ''}</td>
<td class="${entry.result ?? ''}">${entry.result ?? '—'}${reason}${restored}</td>
<td>${image}</td>
<td>${entry.trigger ? describeTrigger(entry.trigger) : '—'}</td>
<td>${formatTime(entry.startedAt)}</td>
<td>${entry.durationMs === undefined ? '' : formatDuration(entry.durationMs)}</td>
<td class="links">${links}</td></tr>`;
}

export const historyPage: FastifyPluginAsync<{ runtime: DeployerRuntime }> = async (app, { runtime }) => {
  app.get<{ Params: { service: string } }>(HISTORY_PAGE_PATH, async (request, reply) => {
    const { service } = request.params;
    if (!runtime.serviceStatus(service))
      return sendError(reply, 404, 'SERVICE_NOT_FOUND', `no service named '${service}' in the config`);
    const history = await runtime.history(service, HISTORY_DEFAULT_LIMIT, AbortSignal.timeout(30_000));
    return reply
      .header('cache-control', 'no-store')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .type('text/html; charset=utf-8')
      .send(renderHistoryPage(history));
  });
};
