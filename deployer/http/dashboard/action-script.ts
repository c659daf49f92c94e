// The operator's buttons, for a page rendered for an operate token's session (the body carries the
// page's action key): Sync, Suspend or Resume, and Roll back after a confirmation dialog. Buttons are
// built with DOM calls (no HTML from data), after every update of the cards. Approve is not offered:
// the deployer has no approval step yet.
import { ACTION_KEY_HEADER } from './operator-session.ts';

/** Fired by the page script after it replaced the cards. */
export const UPDATED_EVENT = 'dashboard-updated';

export const ACTION_SCRIPT = `
(() => {
  const key = document.body.dataset.actionKey;
  if (!key) return;
  const result = document.getElementById('action-result');
  const dialog = document.getElementById('confirm-rollback');
  const say = (text, ok) => {
    result.textContent = text;
    result.className = 'banner action-result ' + (ok ? 'action-ok' : 'action-error');
    result.hidden = false;
  };
  const act = async (service, action) => {
    say(action + ' ' + service + ': sending…', true);
    try {
      const response = await fetch('/api/services/' + encodeURIComponent(service) + '/' + action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { ${JSON.stringify(ACTION_KEY_HEADER)}: key, accept: 'application/json' },
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        say(action + ' ' + service + ' refused: ' + ((answer.error && answer.error.message) || 'HTTP ' + response.status), false);
        return;
      }
      say(action + ' ' + service + ': ' + (answer.accepted ? 'accepted, see the card' : 'done'), true);
    } catch (error) {
      say(action + ' ' + service + ': the deployer did not answer', false);
    }
  };
  let asking = null;
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'rollback' && asking) act(asking, 'rollback');
    asking = null;
  });
  const button = (label, action, service) => {
    const element = document.createElement('button');
    element.type = 'button';
    element.textContent = label;
    element.dataset.action = action;
    element.addEventListener('click', () => {
      if (action !== 'rollback') return act(service, action);
      asking = service;
      dialog.returnValue = '';
      dialog.querySelector('[data-confirm-service]').textContent = service;
      dialog.showModal();
    });
    return element;
  };
  const decorate = () => {
    for (const slot of document.querySelectorAll('#dashboard .actions[data-service]')) {
      const service = slot.dataset.service;
      const suspended = slot.dataset.suspended === 'true';
      slot.replaceChildren(
        button('Sync', 'sync', service),
        suspended ? button('Resume', 'resume', service) : button('Suspend', 'suspend', service),
        button('Roll back…', 'rollback', service),
      );
    }
  };
  decorate();
  document.addEventListener(${JSON.stringify(UPDATED_EVENT)}, decorate);
})();
`;
