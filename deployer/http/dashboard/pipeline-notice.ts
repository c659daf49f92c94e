// Pipelines on the dashboard (config `environments`): an overview of each service's environments in
// order (what each runs, its verdict, what its promotion waits for or refused), and on an environment's
// card where it sits and what its promotion did. The words come from present/pipeline-text.ts.
import type { ServiceStatus } from '../../contract/status-model.ts';
import { pipelineViews, promotionLines } from '../../present/pipeline-text.ts';
import { html, type SafeHtml } from './escape-html.ts';

/** The overview above the cards: one line of stages per pipeline; nothing without pipelines. */
export function pipelineOverview(services: readonly ServiceStatus[]): SafeHtml | string {
  const views = pipelineViews(services);
  if (views.length === 0) return '';
  return html`<section class="pipelines"><h2>Pipelines</h2>
${views.map(
  (view) =>
    html`<p class="pipeline" data-pipeline="${view.service}"><strong>${view.service}</strong> ${view.stages.map(
      (stage, index) =>
        html`${index > 0 ? ' → ' : ''}<span class="stage" data-target="${stage.target}" data-state="${stage.state}">${stage.environment} <code>${stage.live}</code> ${stage.state}${stage.note ? html` <span class="muted">(${stage.note})</span>` : ''}</span>`,
    )}</p>`,
)}
</section>`;
}

/** On an environment's card: its place in the pipeline and its promotion, as the CLI prints them. */
export function pipelineNotice(service: ServiceStatus): SafeHtml | string {
  const lines = promotionLines(service);
  if (lines.length === 0) return '';
  // The CLI aligns its lines with spaces; one space reads the same in a paragraph.
  return html`<p class="pipeline-notice">${lines.map((line, index) => html`${index > 0 ? html`<br>` : ''}${line.replace(/\s+/g, ' ').trim()}`)}</p>`;
}
