// Health and drift side by side, as Argo CD shows them: is what runs healthy, and is it what git wants?
// A service rolled back to its previous version reads `Healthy · OutOfSync (rolled back: …)`.
import { healthAndDrift } from '../../contract/service-health.ts';
import type { ServiceStatus } from '../../contract/status-model.ts';
import { html, type SafeHtml } from './escape-html.ts';
import { badgeClass } from './sync-badge.ts';

export function healthBadges(service: ServiceStatus): SafeHtml {
  const { health, drift } = healthAndDrift(service);
  return html`<span class="health" data-health="${health.state}" data-drift="${drift.state}">
<span class="${badgeClass(health.state)}" title="health: ${health.message}">${health.state}</span>
<span class="${badgeClass(drift.state)}" title="${drift.state === 'Synced' ? 'live image is the desired one' : 'live image is not the desired one'}">${drift.state}</span>
${drift.message ? html`<span class="drift-why">(${drift.message})</span>` : ''}
</span>`;
}
