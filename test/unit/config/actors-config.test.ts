import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigDirectory } from '../../../deployer/adapters/config-directory.ts';
import { readInitialService } from '../../../infra/lib/initial-image.ts';
import { localStackValues } from '../../../local/world.ts';

const CONFIG_DIR = path.join(import.meta.dirname, '../../../config');

describe('config/services/actors.yaml', () => {
  it('resolved with the local world stack values, says what the local world and the quick start expect', async () => {
    const values = localStackValues('http://127.0.0.1:5080/');
    const result = await loadConfigDirectory(CONFIG_DIR, undefined, values);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.state.services).toEqual([
      {
        name: 'actors',
        cluster: 'gitops',
        service: 'actors',
        container: 'actors',
        image: { repository: 'actors', track: { semver: '^1.0.0', prerelease: false } },
        verify: {
          url: 'http://127.0.0.1:5080/version',
          expectVersion: true,
          successes: 3,
          intervalSeconds: 2,
          timeoutSeconds: 60,
        },
        cdn: { distributionId: 'ELOCALACTORS', paths: ['/*'] },
        rollout: { timeoutSeconds: 300, rollback: true },
        suspended: false,
        source: { file: path.join(CONFIG_DIR, 'services/actors.yaml') },
      },
    ]);
  });

  it('names the same cluster, service, container and repository the CDK app deploys first', async () => {
    const file = path.join(CONFIG_DIR, 'services/actors.yaml');
    const initial = readInitialService(file, undefined);
    const result = await loadConfigDirectory(CONFIG_DIR);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [actors] = result.state.services;
    expect(initial).toMatchObject({
      name: actors?.name,
      cluster: actors?.cluster,
      service: actors?.service,
      container: actors?.container,
      repository: actors?.image.repository,
      tag: '1.0.0',
      tagSource: 'context',
    });
  });
});
