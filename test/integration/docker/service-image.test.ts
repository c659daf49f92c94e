// The service image, without Docker: lay out Dockerfile.service's final stage in a temporary directory
// (exactly what it COPYs; production packages only, linked), run its CMD, and expect it to answer
// /health and /version. Spawns the service, so it lives here and not in test/unit/dockerfiles.test.ts.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE_HEALTH_PATH } from '../../../common/contract.ts';
import { layoutFinalStage, linkProductionModules } from '../../support/docker-context.ts';
import { command, environment, parseDockerfile } from '../../support/dockerfile.ts';
import { listeningUrl, startServiceProcess } from '../service/support/service-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const cleanups: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('Dockerfile.service, laid out as the image holds it', () => {
  it('starts with its CMD and answers /health and /version', async () => {
    const dockerfile = parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile.service'), 'utf8'));
    const dir = await mkdtemp(path.join(tmpdir(), 'service-image-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await layoutFinalStage(dockerfile, ROOT, dir);
    await linkProductionModules(ROOT, dir);

    const [program, script] = command(dockerfile.final) ?? [];
    expect(program).toBe('node');
    const service = startServiceProcess(
      {
        ...environment(dockerfile.final),
        // Never the fixed port in tests: the image's ENV says 5000, the test listens on 0.
        HOST: '127.0.0.1',
        PORT: '0',
        ACTORS_AUTH_USER: 'image',
        ACTORS_AUTH_PASSWORD: 'layout-test',
      },
      { cwd: dir, script },
    );
    try {
      const url = await listeningUrl(service);
      const healthResponse = await fetch(`${url}${SERVICE_HEALTH_PATH}`);
      expect(healthResponse.status).toBe(200);
      const version = (await (await fetch(`${url}/version`)).json()) as { version: string };
      expect(version.version).toBe(PACKAGE.version);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });
});
