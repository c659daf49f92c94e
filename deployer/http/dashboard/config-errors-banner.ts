// Rejected config: the deployer keeps the last valid revision (across restarts too: it is persisted
// in AWS) and shows exactly what to fix.
import type { ConfigStatus } from '../../contract/status-model.ts';
import { shortRevision } from '../../present/format-values.ts';
import { html, type SafeHtml } from './escape-html.ts';

export function configErrorsBanner(config: ConfigStatus): SafeHtml | string {
  if (config.errors.length === 0) return '';
  const head = shortRevision(config.lastAttemptedRevision) || 'unknown';
  const applied = shortRevision(config.revision);
  return html`<section class="banner banner-error" role="alert" id="config-errors">
<h2>${applied ? html`Running last good revision <code>${applied}</code>; HEAD <code>${head}</code> is invalid` : html`HEAD <code>${head}</code> is invalid; no valid config has been applied yet`}</h2>
<p>Fix these and push (or save) again; <code>npm run validate</code> checks locally:</p>
<ul>${config.errors.map(
    (e) =>
      html`<li><code>${e.file}:${e.line}:${e.column}</code>${e.field ? html` <code>${e.field}</code>` : ''}: ${e.message}</li>`,
  )}</ul>
</section>`;
}
