// The dashboard's inline script: replace the body on every server-sent status event; poll the state
// endpoint every 2 s while the event stream is down (proxies that buffer SSE, old browsers).
import { DASHBOARD_PATHS } from './dashboard-paths.ts';

export const POLL_INTERVAL_MS = 2000;

export const PAGE_SCRIPT = `
(() => {
  const main = document.getElementById('dashboard');
  const live = document.getElementById('live');
  let pollTimer = null;
  let updates = 0;
  const indicate = (state, text) => { live.className = 'live live-' + state; live.textContent = text; };
  const apply = (payload) => {
    main.innerHTML = payload.html;
    document.title = payload.title;
    updates += 1;
    document.body.dataset.updates = String(updates);
  };
  const poll = async () => {
    try {
      const response = await fetch(${JSON.stringify(DASHBOARD_PATHS.state)}, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      apply(await response.json());
      indicate('polling', 'polling every ${POLL_INTERVAL_MS / 1000} s');
    } catch (error) {
      indicate('offline', 'deployer unreachable, retrying');
    }
    pollTimer = setTimeout(poll, ${POLL_INTERVAL_MS});
  };
  const startPolling = () => { if (pollTimer === null) pollTimer = setTimeout(poll, 0); };
  const stopPolling = () => { if (pollTimer !== null) { clearTimeout(pollTimer); pollTimer = null; } };
  if (!('EventSource' in window)) { startPolling(); return; }
  const events = new EventSource(${JSON.stringify(DASHBOARD_PATHS.events)});
  events.addEventListener('open', () => { stopPolling(); indicate('connected', 'live'); });
  events.addEventListener('status', (event) => { stopPolling(); indicate('connected', 'live'); apply(JSON.parse(event.data)); });
  events.addEventListener('error', () => { startPolling(); });
})();
`;
