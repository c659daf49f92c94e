import { describe, expect, it } from 'vitest';
import type { ServiceGitHubStatus } from '../../../deployer/contract/status-model.ts';
import { githubActivity } from '../../../deployer/http/dashboard/github-activity.ts';
import { serviceCard } from '../../../deployer/http/dashboard/service-card.ts';
import { fakeServiceStatus } from '../../support/fake-runtime.ts';

const DIGEST = `sha256:${'1'.repeat(64)}`;
const github: ServiceGitHubStatus = {
  deployment: {
    id: 12,
    rolloutId: 'r1',
    state: 'failure',
    sha: 'f'.repeat(40),
    description: 'DeploymentFailed: <tasks> failed to start',
    url: 'https://github.com/o/r/deployments/actors',
    updatedAt: '2026-12-01T10:01:00.000Z',
  },
  pinPullRequest: {
    number: 3,
    url: 'https://github.com/o/r/pull/3',
    digest: DIGEST,
    tag: '1.1.0',
    openedAt: '',
  },
};

describe('githubActivity(service) on the dashboard card', () => {
  it('shows the latest deployment with its state and link, and the pin pull request, escaped', () => {
    const out = String(githubActivity(fakeServiceStatus('actors', { github })));
    expect(out).toContain(
      '<a href="https://github.com/o/r/deployments/actors" rel="noreferrer">deployment 12</a>',
    );
    expect(out).toContain('data-github-state="failure">failure</span>');
    expect(out).toContain('DeploymentFailed: &lt;tasks&gt; failed to start');
    expect(out).toContain('<a href="https://github.com/o/r/pull/3" rel="noreferrer">pin pull request #3</a>');
    expect(out).toContain('pins 1.1.0');
  });

  it('is part of the service card, and absent when the deployer does not report to GitHub', () => {
    expect(String(serviceCard(fakeServiceStatus('actors', { github })))).toContain('class="github small"');
    expect(String(serviceCard(fakeServiceStatus('actors')))).not.toContain('class="github');
  });

  it('does not turn a non-http URL into a link', () => {
    const hostile = {
      deployment: { ...github.deployment, url: 'javascript:alert(1)' },
    } as ServiceGitHubStatus;
    const out = String(githubActivity(fakeServiceStatus('actors', { github: hostile })));
    expect(out).not.toContain('href');
    expect(out).toContain('deployment 12');
  });
});
