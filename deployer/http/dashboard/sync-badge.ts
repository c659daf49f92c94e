// Coloured badges for health, drift, sync and rollout results. Colours live in page-style.ts as
// `.badge-<state>` classes.
import { DRIFT_STATES, HEALTH_STATES, SYNC_STATES } from '../../contract/status-model.ts';
import { html, type SafeHtml } from './escape-html.ts';

const STYLED: ReadonlySet<string> = new Set([...SYNC_STATES, ...HEALTH_STATES, ...DRIFT_STATES]);

/** Unknown strings (a newer deployer) still render, as the neutral `Unknown` style. */
export function badgeClass(state: string): string {
  return STYLED.has(state) ? `badge badge-${state}` : 'badge badge-Unknown';
}

export function resultBadge(result: string): SafeHtml {
  const state = result === 'Succeeded' ? 'Synced' : result === 'RolledBack' ? 'Degraded' : 'Failed';
  return html`<span class="${badgeClass(state)}" data-result="${result}">${result}</span>`;
}
