// There is no Docker engine here, so these tests check what can be checked without one: the
// Dockerfiles agree with the contract ports, copy only what exists, install production
// dependencies only, run as non-root on Node 24, and the copied files with production packages only
// are enough to run the CMD (the service started from its laid-out image is
// test/integration/docker/service-image.test.ts: it starts a process).
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEPLOYER_HEALTH_PATH,
  DEPLOYER_PORT,
  SERVICE_HEALTH_PATH,
  SERVICE_PORT,
} from '../../common/contract.ts';
import {
  filesCopiedBy,
  layoutFinalStage,
  linkProductionModules,
  readDockerIgnore,
} from '../support/docker-context.ts';
import {
  command,
  copies,
  type Dockerfile,
  effectiveUser,
  environment,
  exposedPorts,
  parseDockerfile,
  runCommands,
  stageNamed,
} from '../support/dockerfile.ts';
import { importClosure } from '../support/import-closure.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const temporaryDirs: string[] = [];

afterAll(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function layout(dockerfile: Dockerfile): Promise<{ dir: string; files: string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'image-layout-'));
  temporaryDirs.push(dir);
  const { files, fromStages } = await layoutFinalStage(dockerfile, ROOT, dir);
  for (const spec of fromStages) {
    // The only thing taken from another stage is node_modules (npm ci --omit=dev): links to the
    // repository's production packages stand in for it, so importing a devDependency fails here too.
    expect(spec.destination.replace(/\/$/, '')).toMatch(/^(\.\/)?node_modules$/);
    await linkProductionModules(ROOT, dir);
  }
  return { dir, files };
}

const IMAGES = [
  { file: 'Dockerfile.service', port: SERVICE_PORT, health: SERVICE_HEALTH_PATH, entry: 'service/main.ts' },
  {
    file: 'Dockerfile.deployer',
    port: DEPLOYER_PORT,
    health: DEPLOYER_HEALTH_PATH,
    entry: 'deployer/main.ts',
  },
];

describe.each(IMAGES)('$file', ({ file, port, health, entry }) => {
  const dockerfile = parseDockerfile(readFileSync(path.join(ROOT, file), 'utf8'));
  const { final } = dockerfile;

  it('is a multi-stage build on Node 24 images', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages) {
      if (stageNamed(dockerfile, stage.base) && stageNamed(dockerfile, stage.base)?.index !== stage.index)
        continue;
      expect(stage.base).toMatch(/^node:24(?:[.-]|$)/);
    }
  });

  it(`EXPOSEs exactly the port the program listens on by default (${port})`, () => {
    expect(exposedPorts(final)).toEqual([port]);
    const env = environment(final);
    if (env.PORT !== undefined) expect(Number(env.PORT)).toBe(port);
  });

  it('health-checks the same port and path as the contract', () => {
    const healthcheck = final.instructions.find((instruction) => instruction.keyword === 'HEALTHCHECK');
    if (healthcheck === undefined) return;
    expect(healthcheck.raw).toContain(`127.0.0.1:${port}${health}`);
  });

  it('runs as a non-root user', () => {
    const user = effectiveUser(final);
    expect(user).toBeDefined();
    expect(user?.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it('installs production dependencies only, in another stage, and copies just node_modules from it', () => {
    const fromStage = copies(final).filter((spec) => spec.from !== undefined);
    expect(fromStage.map((spec) => spec.sources)).toEqual([['/app/node_modules']]);
    const deps = stageNamed(dockerfile, fromStage[0]?.from ?? '');
    expect(deps).toBeDefined();
    const installs = runCommands(deps ?? final).filter((run) => /\bnpm (ci|install|i)\b/.test(run));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/\bnpm ci\b/);
    expect(installs[0]).toContain('--omit=dev');
    for (const stage of dockerfile.stages) {
      expect(runCommands(stage).join('\n')).not.toMatch(/\bnpm run build\b|\bnpm (install|i)\b/);
    }
  });

  it('copies only paths that exist in the build context and are not excluded by .dockerignore', async () => {
    const ignore = await readDockerIgnore(ROOT);
    for (const stage of dockerfile.stages) {
      for (const spec of copies(stage).filter((copy) => copy.from === undefined)) {
        for (const source of spec.sources) {
          expect(existsSync(path.join(ROOT, source)), `${file}:${spec.line} copies ${source}`).toBe(true);
          expect(ignore.ignores(source.replace(/^\.\//, '')), `${source} is .dockerignored`).toBe(false);
          expect(source, 'copy named paths, never the whole context').not.toMatch(/^\.\/?$/);
        }
        await expect(filesCopiedBy(spec, ROOT, ignore)).resolves.not.toHaveLength(0);
      }
    }
  });

  it(`runs ${entry} with node in exec form (signals reach Node, not a shell)`, () => {
    expect(command(final)).toEqual(['node', entry]);
    expect(final.instructions.some((instruction) => instruction.keyword === 'ENTRYPOINT')).toBe(false);
  });

  it('holds every module its entry imports, and imports no devDependency', async () => {
    const { dir, files } = await layout(dockerfile);
    expect(files).toContain(entry);
    expect(files.some((copied) => copied.endsWith('.test.ts'))).toBe(false);
    const closure = await importClosure(path.join(dir, entry));
    expect(closure.missing).toEqual([]);
    // Only the dev-only local world (local/, devDependencies) may be left out, and only behind a
    // dynamic import (the deployer's local mode).
    const leftOut = closure.optionalMissing.map((target) => path.relative(dir, target));
    expect(leftOut.filter((target) => !target.startsWith(`local${path.sep}`))).toEqual([]);
    const outside = closure.files.filter((reached) => !reached.startsWith(dir + path.sep));
    expect(outside).toEqual([]);
    const production = Object.keys(PACKAGE.dependencies);
    expect(closure.packages.filter((name) => !production.includes(name))).toEqual([]);
  });
});

describe('.dockerignore', () => {
  it('keeps the host node_modules, tests, git data and env files out of the build context', async () => {
    const ignore = await readDockerIgnore(ROOT);
    for (const excluded of [
      'node_modules/fastify/package.json',
      'service/node_modules/x',
      '.git/HEAD',
      'test/unit/dockerfiles.test.ts',
      'service/app.test.ts',
      '.env',
      'dist/service/main.js',
    ]) {
      expect(ignore.ignores(excluded), excluded).toBe(true);
    }
    for (const included of [
      'service/main.ts',
      'deployer/domain/types.ts',
      'common/contract.ts',
      'package.json',
    ]) {
      expect(ignore.ignores(included), included).toBe(false);
    }
  });
});
