// The dashboard's inline script: replace the body on every server-sent status event; poll the state
// endpoint every 2 s while the event stream is down (proxies that buffer SSE, old browsers). While the
// deployer does not answer, the cards are greyed and a banner says since when the page is stale.
import { DASHBOARD_PATHS } from '../../contract/dashboard-paths.ts';
import { UPDATED_EVENT } from './action-script.ts';

export const POLL_INTERVAL_MS = 2000;
/** How long to wait before opening a new event stream after the browser gave one up. */
export const RECONNECT_MS = 3000;

export const PAGE_SCRIPT = `
(() => {
  const main = document.getElementById('dashboard');
  const live = document.getElementById('live');
  const stale = document.getElementById('stale');
  let pollTimer = null;
  let updates = 0;
  // The last moment the deployer answered (the page itself came from it).
  let lastContact = new Date();
  const stamp = (date) => date.toISOString().slice(0, 19).replace('T', ' ') + 'Z';
  const showStale = (on) => {
    document.body.classList.toggle('stale', on);
    stale.hidden = !on;
    if (on) stale.textContent = 'No answer from the deployer since ' + stamp(lastContact) + ': the cards show the state of that moment, greyed.';
  };
  const indicate = (state, text) => {
    live.className = 'live live-' + state;
    live.textContent = text;
    if (state === 'offline') return;
    lastContact = new Date();
    showStale(false);
  };
  const unreachable = () => {
    indicate('offline', 'deployer unreachable since ' + stamp(lastContact) + ', retrying');
    showStale(true);
  };
  // Folded sections the reader opened stay open across updates (keyed by service and section).
  const openSections = () => [...main.querySelectorAll('details[open][data-section]')].map((d) => d.dataset.section);
  const apply = (payload) => {
    const open = openSections();
    main.innerHTML = payload.html;
    for (const details of main.querySelectorAll('details[data-section]')) {
      if (open.includes(details.dataset.section)) details.open = true;
    }
    document.title = payload.title;
    updates += 1;
    document.body.dataset.updates = String(updates);
    document.dispatchEvent(new Event(${JSON.stringify(UPDATED_EVENT)}));
  };
  // One poll loop at a time; a poll still in flight when the stream comes back must not restart it.
  let polling = false;
  const poll = async () => {
    try {
      const response = await fetch(${JSON.stringify(DASHBOARD_PATHS.state)}, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (response.status === 401 || response.status === 403) {
        // The 12-hour session cookie ran out (or the token changed): only a reload signs in again.
        if (polling) indicate('offline', 'signed out: reload the page to sign in again');
        pollTimer = setTimeout(poll, ${POLL_INTERVAL_MS});
        return;
      }
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const payload = await response.json();
      if (!polling) return;
      apply(payload);
      indicate('polling', 'polling every ${POLL_INTERVAL_MS / 1000} s');
    } catch (error) {
      if (!polling) return;
      unreachable();
    }
    pollTimer = setTimeout(poll, ${POLL_INTERVAL_MS});
  };
  const startPolling = () => {
    if (polling) return;
    polling = true;
    pollTimer = setTimeout(poll, 0);
  };
  const stopPolling = () => {
    polling = false;
    clearTimeout(pollTimer);
  };
  if (!('EventSource' in window)) { startPolling(); return; }
  // EventSource retries by itself after a network error, but gives up for good on an HTTP error
  // (e.g. a 503 while the deployer restarts): then open a new one later, polling meanwhile.
  const connect = () => {
    const events = new EventSource(${JSON.stringify(DASHBOARD_PATHS.events)});
    events.addEventListener('open', () => { stopPolling(); indicate('connected', 'live'); });
    events.addEventListener('status', (event) => { stopPolling(); indicate('connected', 'live'); apply(JSON.parse(event.data)); });
    events.addEventListener('error', () => {
      startPolling();
      if (events.readyState === EventSource.CLOSED) setTimeout(connect, ${RECONNECT_MS});
    });
  };
  connect();
})();
`;
