// What a user reads about a pipeline (config `environments`): `status` prints each pipeline's stages
// in order under the table and an environment's promotion in its detail; the dashboard shows the same
// overview above the cards and the same lines on the environment's card.
import { describe, expect, it } from 'vitest';
import { serviceDetail, statusTable } from '../../../deployer/cli/format/status-report.ts';
import { checkDeployerStatus } from '../../../deployer/contract/check-status.ts';
import type { PipelineStatus } from '../../../deployer/contract/pipeline-status.ts';
import type { ServiceStatus } from '../../../deployer/contract/status-model.ts';
import { renderDashboardBody } from '../../../deployer/http/dashboard/render-page.ts';
import { pipelineLine, pipelineViews, promotionLines } from '../../../deployer/present/pipeline-text.ts';
import { fakeDeployerStatus, fakeServiceStatus } from '../../support/fake-runtime.ts';

const V110 = `sha256:${'b'.repeat(64)}`;
const V120 = `sha256:${'c'.repeat(64)}`;
const V130 = `sha256:${'d'.repeat(64)}`;
const IMAGE = '000000000000.dkr.ecr.us-east-1.amazonaws.com/actors';
const stages = ['staging', 'production'];

function environment(
  name: string,
  pipeline: Omit<PipelineStatus, 'service' | 'stages'>,
  live: string,
): ServiceStatus {
  return fakeServiceStatus(`actors@${name}`, {
    live: {
      image: `${IMAGE}@${live}`,
      digest: live,
      tag: '1.1.0',
      taskDefinitionArn: `arn:aws:ecs:us-east-1:0:task-definition/actors-${name}:2`,
    },
    pipeline: { service: 'actors', stages, ...pipeline },
  });
}

const staging = environment('staging', { environment: 'staging' }, V110);
const production = environment(
  'production',
  {
    environment: 'production',
    promotion: {
      from: 'actors@staging',
      soakMinutes: 30,
      promoted: { digest: V110, tag: '1.1.0', verifiedAt: '2026-12-02T09:00:00.000Z' },
      soaking: {
        digest: V130,
        tag: '1.3.0',
        verifiedAt: '2026-12-02T09:50:00.000Z',
        until: '2026-12-02T10:20:00.000Z',
      },
      refused: [{ digest: V120, tag: '1.2.0', environment: 'actors@staging', reason: 'DeploymentFailed' }],
    },
  },
  V110,
);
// The store sorts by name: production comes before staging; the pipeline puts them in its order.
const status = fakeDeployerStatus({ services: [production, staging, fakeServiceStatus('web')] });

describe('pipeline views', () => {
  it('the status with a pipeline passes the status contract', () => {
    expect(checkDeployerStatus(status)).toMatchObject({ ok: true });
  });

  it('orders each pipeline by its stages and says what the promotion waits for or refused', () => {
    const [view] = pipelineViews(status.services);
    expect(view?.stages.map((s) => s.environment)).toEqual(['staging', 'production']);
    expect(pipelineLine(view as NonNullable<typeof view>)).toBe(
      'actors: staging 1.1.0@bbbbbbbbbbbb Synced → production 1.1.0@bbbbbbbbbbbb Synced (refused 1.2.0 (DeploymentFailed in staging); 1.3.0 soaks in staging until 2026-12-02 10:20:00Z)',
    );
    expect(pipelineViews([fakeServiceStatus('web')])).toEqual([]);
  });

  it('`status` prints the pipelines under the table, and an environment’s promotion in its detail', () => {
    const table = statusTable(status);
    expect(table).toContain('Pipelines:\n  actors: staging 1.1.0@bbbbbbbbbbbb Synced → production');
    expect(statusTable(fakeDeployerStatus())).not.toContain('Pipelines:');
    const detail = serviceDetail(production);
    expect(detail).toContain('Pipeline:  actors: staging → [production]');
    expect(detail).toContain(
      'Promotion: from actors@staging after 30 min soak: 1.1.0 (bbbbbbbbbbbb) verified there 2026-12-02 09:00:00Z',
    );
    expect(detail).toContain('           refused 1.2.0 (DeploymentFailed in staging)');
    expect(promotionLines(staging)).toEqual([
      'Pipeline:  actors: [staging] → production',
      'Promotion: first environment: follows image.track',
    ]);
  });

  it('the dashboard shows the overview above the cards and the promotion on the environment’s card', () => {
    const body = renderDashboardBody(status);
    const overview = body.slice(
      body.indexOf('<section class="pipelines">'),
      body.indexOf('</section>', body.indexOf('class="pipelines"')),
    );
    expect(overview).toContain('data-pipeline="actors"');
    expect(overview.indexOf('data-target="actors@staging"')).toBeLessThan(
      overview.indexOf('data-target="actors@production"'),
    );
    expect(overview).toContain('refused 1.2.0 (DeploymentFailed in staging)');
    const card = body.slice(body.indexOf('data-service="actors@production"'));
    expect(card).toContain('Promotion: from actors@staging after 30 min soak: 1.1.0');
    expect(renderDashboardBody(fakeDeployerStatus())).not.toContain('class="pipelines"');
  });
});
