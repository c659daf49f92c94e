// A coloured badge per sync state. Colours live in page-style.ts as `.badge-<state>` classes.
import { SYNC_STATES, type SyncState } from '../../contract/status-model.ts';
import { html, type SafeHtml } from './escape-html.ts';

const DESCRIPTIONS: Record<SyncState, string> = {
  Synced: 'live image matches the desired image',
  OutOfSync: 'live image differs from the desired image; a rollout is due',
  Progressing: 'a rollout is in progress',
  Degraded: 'running, but not as desired (e.g. nothing to choose, or verification flapping)',
  Failed: 'the last rollout failed',
  Suspended: 'tracking is suspended; nothing will be rolled out',
  Unknown: 'not reconciled yet',
};

/** Unknown strings (a newer deployer) still render, as the neutral `Unknown` style. */
export function badgeClass(state: string): string {
  return (SYNC_STATES as readonly string[]).includes(state) ? `badge badge-${state}` : 'badge badge-Unknown';
}

export function syncBadge(state: string): SafeHtml {
  const title = DESCRIPTIONS[state as SyncState] ?? state;
  return html`<span class="${badgeClass(state)}" title="${title}" data-state="${state}">${state}</span>`;
}

export function resultBadge(result: string): SafeHtml {
  const state = result === 'Succeeded' ? 'Synced' : result === 'RolledBack' ? 'Degraded' : 'Failed';
  return html`<span class="${badgeClass(state)}" data-result="${result}">${result}</span>`;
}
