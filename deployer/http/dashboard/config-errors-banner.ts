// Rejected config: the deployer keeps the last valid revision and shows exactly what to fix.
import type { ConfigStatus } from '../../runtime/status-model.ts';
import { html, type SafeHtml } from './escape-html.ts';
import { shortRevision } from './format-values.ts';

export function configErrorsBanner(config: ConfigStatus): SafeHtml | string {
  if (config.errors.length === 0) return '';
  const attempted = shortRevision(config.lastAttemptedRevision);
  const applied = shortRevision(config.revision);
  return html`<section class="banner banner-error" role="alert" id="config-errors">
<h2>Config revision <code>${attempted || 'unknown'}</code> was rejected</h2>
<p>${applied ? html`Revision <code>${applied}</code> stays in force.` : 'No valid config has been applied yet.'} Fix these and push again (<code>npm run validate</code> checks locally):</p>
<ul>${config.errors.map(
    (e) =>
      html`<li><code>${e.file}:${e.line}:${e.column}</code>${e.field ? html` <code>${e.field}</code>` : ''}: ${e.message}</li>`,
  )}</ul>
</section>`;
}
