// The test helpers the Dockerfile tests rely on must be right themselves: a parser that silently
// missed an EXPOSE would let a port mismatch through.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  filesCopiedBy,
  layoutFinalStage,
  linkProductionModules,
  parseDockerIgnore,
} from '../support/docker-context.ts';
import {
  command,
  copies,
  effectiveUser,
  environment,
  exposedPorts,
  parseDockerfile,
  runCommands,
  stageNamed,
  workdir,
} from '../support/dockerfile.ts';
import { importClosure, packageName, runtimeSpecifiers } from '../support/import-closure.ts';

const SAMPLE = `# syntax=docker/dockerfile:1
ARG BASE=node:24-alpine
FROM node:24-alpine AS Deps
WORKDIR /app
COPY package.json \\
     package-lock.json ./
RUN npm ci \\
    # a comment inside a continuation is skipped
    --omit=dev

FROM deps AS test
RUN ["npm", "test"]

from node:24-alpine
env NODE_ENV=production A="two words" B='x=y'
ENV LEGACY value with spaces
WORKDIR /app
WORKDIR srv
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY ["service", "./service"]
ADD common/ ./common/
USER root
USER node:node
EXPOSE 5000/tcp 5001
CMD node service/main.ts
`;

describe('parseDockerfile', () => {
  const dockerfile = parseDockerfile(SAMPLE);

  it('splits stages, lower-cases their names and keeps keywords upper-case', () => {
    expect(dockerfile.stages.map((stage) => [stage.name, stage.base])).toEqual([
      ['deps', 'node:24-alpine'],
      ['test', 'deps'],
      [undefined, 'node:24-alpine'],
    ]);
    expect(dockerfile.final.index).toBe(2);
    expect(stageNamed(dockerfile, 'DEPS')?.index).toBe(0);
    expect(stageNamed(dockerfile, '1')?.name).toBe('test');
    expect(stageNamed(dockerfile, 'node:24-alpine')).toBeUndefined();
  });

  it('joins continuations, skips comments inside them and keeps the starting line', () => {
    const [deps] = dockerfile.stages;
    expect(runCommands(deps ?? dockerfile.final)).toEqual(['npm ci --omit=dev']);
    expect(copies(deps ?? dockerfile.final)).toEqual([
      {
        from: undefined,
        sources: ['package.json', 'package-lock.json'],
        destination: './',
        chown: undefined,
        line: 5,
      },
    ]);
  });

  it('reads flags, the JSON form and ADD', () => {
    expect(copies(dockerfile.final)).toEqual([
      {
        from: 'deps',
        sources: ['/app/node_modules'],
        destination: './node_modules',
        chown: 'node:node',
        line: 19,
      },
      { from: undefined, sources: ['service'], destination: './service', chown: undefined, line: 20 },
      { from: undefined, sources: ['common/'], destination: './common/', chown: undefined, line: 21 },
    ]);
    expect(runCommands(dockerfile.stages[1] ?? dockerfile.final)).toEqual(['npm test']);
  });

  it('reports ports, the last USER, the shell-form CMD, WORKDIR and ENV in both forms', () => {
    expect(exposedPorts(dockerfile.final)).toEqual([5000, 5001]);
    expect(effectiveUser(dockerfile.final)).toBe('node:node');
    expect(command(dockerfile.final)).toEqual(['/bin/sh', '-c', 'node service/main.ts']);
    expect(workdir(dockerfile.final)).toBe('/app/srv');
    expect(environment(dockerfile.final)).toEqual({
      NODE_ENV: 'production',
      A: 'two words',
      B: 'x=y',
      LEGACY: 'value with spaces',
    });
  });

  it('reports no user when a stage never sets one (it runs as root)', () => {
    expect(effectiveUser(parseDockerfile('FROM node:24\nCMD ["node"]\n').final)).toBeUndefined();
  });

  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing\n'],
    ['an instruction before FROM', 'RUN true\nFROM node:24\n'],
    ['a FROM without an image', 'FROM\n'],
    ['a dangling continuation', 'FROM node:24\nRUN true \\\n'],
  ])('rejects %s', (_name, text) => {
    expect(() => parseDockerfile(text)).toThrow();
  });
});

describe('parseDockerIgnore', () => {
  const ignore = parseDockerIgnore(
    '# comment\n**/node_modules\n/dist\ntest\n**/*.test.ts\n!test/keep.ts\n.env.*\n',
  );

  it.each([
    ['node_modules/a/b.js', true],
    ['service/node_modules/x', true],
    ['dist/main.js', true],
    ['test/unit/x.ts', true],
    ['test/keep.ts', false],
    ['service/app.test.ts', true],
    ['.env.local', true],
    ['service/app.ts', false],
    ['testing/x.ts', false],
    ['package.json', false],
  ])('ignores(%s) is %s', (file, expected) => {
    expect(ignore.ignores(file)).toBe(expected);
  });
});

describe('filesCopiedBy and layoutFinalStage', () => {
  let context: string;
  let target: string;

  beforeAll(async () => {
    context = await mkdtemp(path.join(tmpdir(), 'docker-context-'));
    target = await mkdtemp(path.join(tmpdir(), 'docker-layout-'));
    await mkdir(path.join(context, 'service/routes'), { recursive: true });
    await writeFile(path.join(context, 'service/main.ts'), 'main');
    await writeFile(path.join(context, 'service/routes/a.ts'), 'a');
    await writeFile(path.join(context, 'service/main.test.ts'), 'test');
    await writeFile(path.join(context, 'package.json'), '{}');
    await writeFile(path.join(context, '.dockerignore'), '**/*.test.ts\nsecret\n');
    await writeFile(path.join(context, 'secret'), 'x');
  });

  afterAll(async () => {
    await rm(context, { recursive: true, force: true });
    await rm(target, { recursive: true, force: true });
  });

  it('copies a directory’s contents under the destination, without ignored files', async () => {
    const [spec] = copies(parseDockerfile('FROM node:24\nCOPY service ./srv\n').final);
    const files = await filesCopiedBy(
      spec ?? { from: undefined, sources: [], destination: '', chown: undefined, line: 0 },
      context,
      parseDockerIgnore('**/*.test.ts'),
    );
    expect(files.map((file) => file.target).sort()).toEqual(['srv/main.ts', 'srv/routes/a.ts']);
  });

  it('lays out the final stage and hands back COPY --from for the caller', async () => {
    const dockerfile = parseDockerfile(
      'FROM node:24 AS deps\nFROM node:24\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY package.json ./\nCOPY service ./service\n',
    );
    const { files, fromStages } = await layoutFinalStage(dockerfile, context, target);
    expect(files.sort()).toEqual(['package.json', 'service/main.ts', 'service/routes/a.ts']);
    expect(fromStages.map((spec) => spec.from)).toEqual(['deps']);
  });

  it('refuses to copy a path that .dockerignore excludes', async () => {
    const dockerfile = parseDockerfile('FROM node:24\nCOPY secret ./\n');
    await expect(layoutFinalStage(dockerfile, context, target)).rejects.toThrow(/excluded by .dockerignore/);
  });

  it('fails when a COPY source does not exist', async () => {
    const dockerfile = parseDockerfile('FROM node:24\nCOPY missing ./\n');
    await expect(layoutFinalStage(dockerfile, context, target)).rejects.toThrow(/ENOENT/);
  });
});

describe('importClosure', () => {
  it('runtimeSpecifiers skips type-only imports and keeps side-effect, re-export and dynamic imports', () => {
    const source = [
      "import type { A } from './types.ts';",
      "import { type B, c } from './mixed.ts';",
      "import {\n  d,\n  e,\n} from 'fastify';",
      "import './side-effect.ts';",
      "export { f } from './reexport.ts';",
      "export type { G } from './type-reexport.ts';",
      "const lazy = await import('./lazy.ts');",
      "// import x from './commented.ts';",
      'const text = \'import y from "./in-a-string.ts"\';',
    ].join('\n');
    expect(runtimeSpecifiers(source)).toEqual([
      { specifier: './mixed.ts', dynamic: false },
      { specifier: 'fastify', dynamic: false },
      { specifier: './side-effect.ts', dynamic: false },
      { specifier: './reexport.ts', dynamic: false },
      { specifier: './lazy.ts', dynamic: true },
    ]);
  });

  it.each([
    ['fastify', 'fastify'],
    ['@aws-sdk/client-ecs', '@aws-sdk/client-ecs'],
    ['pino/file', 'pino'],
    ['@scope/pkg/deep/path.js', '@scope/pkg'],
  ])('packageName(%s) is %s', (specifier, expected) => {
    expect(packageName(specifier)).toBe(expected);
  });

  it('separates what the entry needs from what only a dynamic import reaches', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'import-closure-'));
    try {
      await writeFile(
        path.join(dir, 'main.ts'),
        "import './a.ts';\nimport 'pino';\nawait import('./dev.ts');\n",
      );
      await writeFile(path.join(dir, 'a.ts'), "import { x } from './gone.ts';\nimport 'node:fs';\n");
      await writeFile(
        path.join(dir, 'dev.ts'),
        "import './local/world.ts';\nimport 'fauxqs';\nimport './a.ts';\n",
      );
      const exists = async (file: string) =>
        ['main.ts', 'a.ts', 'dev.ts'].some((name) => file === path.join(dir, name));
      const closure = await importClosure(path.join(dir, 'main.ts'), exists);
      expect(closure.missing).toEqual(['a.ts -> ./gone.ts']);
      expect(closure.packages).toEqual(['pino']);
      expect(closure.optionalPackages).toEqual(['fauxqs']);
      expect(closure.optionalMissing).toEqual([path.join(dir, 'local/world.ts')]);
      expect(closure.files).toEqual([
        path.join(dir, 'a.ts'),
        path.join(dir, 'dev.ts'),
        path.join(dir, 'main.ts'),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('linkProductionModules', () => {
  it('links what npm ci --omit=dev installs, so a devDependency cannot be resolved', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const dir = await mkdtemp(path.join(tmpdir(), 'prod-modules-'));
    try {
      const linked = await linkProductionModules(root, dir);
      expect(linked).toEqual(expect.arrayContaining(['fastify', 'pino', '@aws-sdk/client-ecs']));
      expect(linked).not.toContain('vitest');
      expect(linked).not.toContain('node');
      const requireFromImage = createRequire(path.join(dir, 'service', 'main.ts'));
      expect(requireFromImage.resolve('fastify')).toContain(`${path.sep}fastify${path.sep}`);
      expect(() => requireFromImage.resolve('fast-check')).toThrow(/Cannot find module/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
