// The service's GitHub line on its dashboard card: the latest GitHub deployment (state, link, why) and
// the pin pull request opened after a rollback. From `service.github`, present only when the deployer
// reports to GitHub (deployer/github/status-with-github.ts).
import type { ServiceStatus } from '../../contract/status-model.ts';
import { formatTime, shortDigest } from '../../present/format-values.ts';
import { html, type SafeHtml } from './escape-html.ts';

export function githubActivity(service: ServiceStatus): SafeHtml | string {
  const { deployment, pinPullRequest: pull } = service.github ?? {};
  if (!deployment && !pull) return '';
  const parts: SafeHtml[] = [];
  if (deployment)
    parts.push(
      html`${link(deployment.url, `deployment ${deployment.id}`)} <span class="tag github-state" data-github-state="${deployment.state}">${deployment.state}</span> <span class="muted">${deployment.description} · <time datetime="${deployment.updatedAt}">${formatTime(deployment.updatedAt)}</time></span>`,
    );
  if (pull)
    parts.push(
      html`${link(pull.url, `pin pull request #${pull.number}`)} <span class="muted">pins ${pull.tag ?? shortDigest(pull.digest)}</span>`,
    );
  return html`<p class="github small"><strong>GitHub</strong> ${parts.map((part, i) => (i === 0 ? part : html` · ${part}`))}</p>`;
}

/** Only http(s) links are rendered as links (the URL comes from GitHub's answers). */
function link(url: string, text: string): SafeHtml {
  return /^https?:\/\//.test(url) ? html`<a href="${url}" rel="noreferrer">${text}</a>` : html`${text}`;
}
