import { describe, expect, it } from 'vitest';
import type { Settings } from '../../../deployer/runtime/settings.ts';
import { localBanner } from '../../../deployer/startup/banner.ts';
import type { LocalMode } from '../../../deployer/startup/local-mode.ts';

const settings = {
  statusToken: 'tok-123',
  githubWebhookSecret: 'sec-456',
  config: { kind: 'directory', path: '/repo/config' },
} as Settings;

const world = (ecr: string) =>
  ({
    endpoints: { ecr },
    actorsCredentials: { user: 'actors', password: 'pw' },
    serviceUrl: () => 'http://127.0.0.1:5080',
  }) as unknown as NonNullable<LocalMode['world']>;

const local = (ecr: string, generated = true): LocalMode => ({
  settings,
  world: world(ecr),
  adapterOptions: { env: {} },
  generated: { statusToken: generated, githubWebhookSecret: generated },
});

describe('localBanner', () => {
  it('names the dashboard, the token, the actors credentials and the push command', () => {
    const banner = localBanner('http://127.0.0.1:8080', local('http://127.0.0.1:4602'));
    expect(banner).toContain('dashboard        http://127.0.0.1:8080/');
    expect(banner).toContain('API token        tok-123   (generated for this run)');
    expect(banner).toContain('webhook secret   sec-456   (generated for this run)');
    expect(banner).toContain('actors           http://127.0.0.1:5080   user actors / password pw');
    expect(banner).toContain('  npm run local:push -- actors 1.1.0');
    expect(banner).toContain(
      'ECS_GITOPS_URL=http://127.0.0.1:8080 ECS_GITOPS_TOKEN=tok-123 npx ecs-gitops status',
    );
  });

  it('links the GitHub stand-in, saying deployments need a git config repository', () => {
    const github = {
      url: 'http://127.0.0.1:4610',
      settings: {} as NonNullable<LocalMode['github']>['settings'],
      close: async () => {},
    };
    const banner = localBanner('http://127.0.0.1:8080', { ...local('http://127.0.0.1:4602'), github });
    expect(banner).toContain(
      'GitHub (stand-in) http://127.0.0.1:4610/   shows deployments once CONFIG_REPOSITORY is a git repository',
    );
    expect(localBanner('http://127.0.0.1:8080', local('http://127.0.0.1:4602'))).not.toContain('GitHub');
  });

  it('tells local:push where ECR is when it is not on its default port', () => {
    const banner = localBanner('http://127.0.0.1:8080', local('http://127.0.0.1:39999'));
    expect(banner).toContain('LOCAL_ECR_URL=http://127.0.0.1:39999 npm run local:push -- actors 1.1.0');
  });

  it('never prints credentials of a git clone URL', () => {
    const git = {
      ...local('http://127.0.0.1:4602'),
      settings: {
        ...settings,
        config: {
          kind: 'git',
          repository: 'https://x-access-token:ghs_SECRET@github.com/acme/config.git',
          branch: 'main',
          dir: 'config',
          cacheDir: '/tmp',
        },
      } as Settings,
    };
    const banner = localBanner('http://127.0.0.1:8080', git);
    expect(banner).not.toContain('ghs_SECRET');
    expect(banner).toContain('https://***@github.com/acme/config.git (main)');
  });

  it('does not call a token you set "generated"', () => {
    const banner = localBanner('http://127.0.0.1:8080', local('http://127.0.0.1:4602', false));
    expect(banner).not.toContain('generated');
  });
});
