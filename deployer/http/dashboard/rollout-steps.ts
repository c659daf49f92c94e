// The rollout in progress: from → to and the steps that really ran. A rollback is its own phase: the
// forward step that failed is marked, the steps after it show as not run (never green), and the
// rollback follows under "Rolling back".
import { type CurrentRollout, ROLLOUT_STEPS, type RolloutStep } from '../../contract/status-model.ts';
import { formatTime, imageLabel, withKnownTag } from '../../present/format-values.ts';
import { html, type SafeHtml } from './escape-html.ts';

const FORWARD_STEPS: readonly RolloutStep[] = ROLLOUT_STEPS.filter((step) => step !== 'RollingBack');

export function currentRollout(rollout: CurrentRollout, tags: ReadonlyMap<string, string>): SafeHtml {
  const rollingBack = rollout.step === 'RollingBack';
  return html`<div class="current-rollout${rollingBack ? ' rolling-back' : ''}" data-rollout="${rollout.id}" data-step="${rollout.step}">
<p><strong>${rollingBack ? 'Rolling back' : 'Rolling out'}</strong> <code>${imageLabel(withKnownTag(rollout.from, tags))}</code> → <code>${imageLabel(rollout.to)}</code>
<span class="muted">since <time datetime="${rollout.startedAt}">${formatTime(rollout.startedAt)}</time></span></p>
${rollingBack ? rollbackPhases(rollout.failedStep) : forwardSteps(rollout.step)}
</div>`;
}

function forwardSteps(current: RolloutStep): SafeHtml {
  const index = FORWARD_STEPS.indexOf(current);
  return html`<ol class="steps" aria-label="rollout steps">${FORWARD_STEPS.map((step, i) =>
    step === current
      ? html`<li class="step step-current">${step}</li>`
      : i < index
        ? html`<li class="step step-done">${step}</li>`
        : html`<li class="step">${step}</li>`,
  )}</ol>`;
}

function rollbackPhases(failedStep: RolloutStep | undefined): SafeHtml {
  const failedAt = failedStep ? FORWARD_STEPS.indexOf(failedStep) : -1;
  const rollout =
    failedAt === -1
      ? html`<p class="muted small">Rollout: resumed after a restart; the step that failed is not known.</p>`
      : html`<ol class="steps" aria-label="rollout steps"><li class="phase">Rollout</li>${FORWARD_STEPS.map(
          (step, i) =>
            i < failedAt
              ? html`<li class="step step-done">${step}</li>`
              : i === failedAt
                ? html`<li class="step step-failed" title="failed: the rollback started here">${step} ✗</li>`
                : html`<li class="step step-skipped" title="not run">${step}</li>`,
        )}</ol>`;
  return html`${rollout}
<ol class="steps" aria-label="rollback steps"><li class="phase">Rollback</li><li class="step step-current">RollingBack</li></ol>`;
}
