// The card's view of a traffic-shifting rollout while ECS runs it (rollout.strategy blue-green, linear,
// canary): the phase, the traffic split as a bar and in words, and which revision answered our probes.
import type { CurrentRollout } from '../../contract/status-model.ts';
import { strategyProgressText, trafficSplitText } from '../../present/strategy-progress-text.ts';
import { html, type SafeHtml } from './escape-html.ts';

/** `now`: the bake countdown is what is left at render time (the card is rendered again at every look of the gate). */
export function strategyProgress(rollout: CurrentRollout | null, now: Date = new Date()): SafeHtml | string {
  const progress = rollout?.strategy;
  if (!progress || rollout?.step !== 'Waiting') return '';
  const split = trafficSplitText(progress);
  const percent = progress.stage?.includes('TEST_TRAFFIC')
    ? progress.testPercent
    : progress.productionPercent;
  return html`<p class="strategy-progress" data-strategy="${progress.strategy}" data-phase="${progress.phase}" data-new-answers="${progress.newAnswers}" data-old-answers="${progress.oldAnswers}"${percent === undefined ? '' : html` data-new-percent="${percent}"`}><strong>${progress.strategy}</strong> ${strategyProgressText(progress, now)}${percent === undefined ? '' : html` <progress max="100" value="${percent}" title="${split ?? ''}"></progress>`}</p>`;
}
