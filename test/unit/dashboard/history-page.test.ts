// The dashboard's history page: the read model as an escaped HTML table with links, behind the read rule.
import { afterEach, describe, expect, it } from 'vitest';
import { renderHistoryPage } from '../../../deployer/http/dashboard/history-page.ts';
import { type TestServer, testServer } from '../../support/test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

const ARN = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/actors:3';

describe('history page', () => {
  it('renders trigger, result and links, escaping what came from a commit', () => {
    const page = renderHistoryPage({
      service: 'actors',
      cluster: 'gitops',
      ecsService: 'actors',
      family: 'actors',
      liveTaskDefinitionArn: ARN,
      revisions: [
        {
          taskDefinitionArn: ARN,
          revision: 'actors:3',
          live: true,
          image: 'repo/actors@sha256:abc',
          tag: '1.1.0',
          result: 'Succeeded',
          trigger: { kind: 'git-push', commit: 'a'.repeat(40), author: 'Ada', message: '<script>x</script>' },
          links: {
            commit: `https://github.com/o/r/commit/${'a'.repeat(40)}`,
            logs: 'https://logs.example/?a=1&b=2',
          },
        },
      ],
      more: 2,
    });
    expect(page).toContain('actors:3 (live)');
    expect(page).toContain('git push aaaaaaaaaaaa by Ada: &quot;&lt;script&gt;x&lt;/script&gt;&quot;');
    expect(page).not.toContain('<script>');
    expect(page).toContain(
      `<a href="https://github.com/o/r/commit/${'a'.repeat(40)}" rel="noreferrer">commit</a>`,
    );
    expect(page).toContain('href="https://logs.example/?a=1&amp;b=2"');
    expect(page).toContain('2 older active revisions not shown.');
  });

  it('is served under /dashboard with the read rule (public in local mode), 404 for an unknown service', async () => {
    server = await testServer({ mode: 'local' });
    const page = await server.app.inject({ method: 'GET', url: '/dashboard/services/actors/history' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('actors: history');
    const card = await server.app.inject({ method: 'GET', url: '/dashboard' });
    expect(card.body).toContain('href="/dashboard/services/actors/history"');
    const unknown = await server.app.inject({ method: 'GET', url: '/dashboard/services/nope/history' });
    expect(unknown.statusCode).toBe(404);
  });

  it('needs a token or a session in aws mode', async () => {
    server = await testServer({ mode: 'aws' });
    const page = await server.app.inject({ method: 'GET', url: '/dashboard/services/actors/history' });
    expect(page.statusCode).toBe(401);
  });
});
