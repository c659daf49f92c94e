// Where the operator's buttons go. The card HTML is rendered once for every open tab (read-only
// viewers too), so it holds only an empty slot with what the buttons need; the page script fills it
// for a session of an operate token (action-script.ts). The API enforces the scope either way.
import type { ServiceStatus } from '../../contract/status-model.ts';
import { html, type SafeHtml } from './escape-html.ts';

export function actionSlot(service: ServiceStatus): SafeHtml {
  return html`<div class="actions" data-service="${service.name}" data-suspended="${service.suspended ? 'true' : 'false'}" data-busy="${service.currentRollout ? 'true' : 'false'}"></div>`;
}
