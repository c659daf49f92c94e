// README.md is a short map built from docs/readme/readme.md and docs/quick-start.md; every page's
// relative links and anchors resolve (GitHub's heading ids), so a renamed heading or file fails here.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReadme } from '../../docs/readme/build-readme.ts';
import { anchors, relativeLinks, slug } from '../../docs/readme/markdown-links.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const readme = read('README.md');
const PAGES = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('README.md', () => {
  it('is what `npm run readme` builds from docs/readme/readme.md and the quick start', () => {
    expect(readme).toBe(buildReadme());
  });

  it('is a map of about 10 KB, not the manual', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(12_000);
  });

  it('names the two commands, and the test command is the one .ci/run runs', () => {
    const block = /## The two commands\n+```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim());
    expect(commands).toContain('npm ci && npm start');
    expect(commands).toContain('npm ci && npm test');
    expect(
      read('.ci/run')
        .split('\n')
        .map((line) => line.trim()),
    ).toContain('npm test');
  });

  it('shows the quick start on the first screens, before the chapter table', () => {
    const quickStart = readme.indexOf('## Quick start');
    expect(quickStart).toBeGreaterThan(0);
    expect(quickStart).toBeLessThan(readme.indexOf('## Documentation'));
    expect(readme).toContain('npm run local:push -- actors 1.1.0');
  });

  it('links every chapter of docs/ from its table', () => {
    const table = readme.slice(readme.indexOf('## Documentation'));
    for (const page of PAGES.filter((p) => p.startsWith('docs/')))
      expect(table, `${page} is not in the README's table`).toContain(`](${page})`);
  });
});

describe('slug (GitHub heading ids)', () => {
  it.each([
    ['The `ecs-gitops` CLI', 'the-ecs-gitops-cli'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a heading of docs/config.md, not a template
    ['Stack values: `${stack:Name}`', 'stack-values-stackname'],
    ['`status [service] [--json | --watch]`', 'status-service---json----watch'],
    ['1. Install and start', '1-install-and-start'],
    ['Wire the GitHub webhook: the only hand steps', 'wire-the-github-webhook-the-only-hand-steps'],
  ])('%s -> %s', (heading, id) => {
    expect(slug(heading)).toBe(id);
  });

  it('numbers repeated headings as GitHub does', () => {
    expect([...anchors('## Tests\n### Tests\n```\n## not a heading\n```\n')]).toEqual(['tests', 'tests-1']);
  });
});

describe('relative links and anchors', () => {
  it.each(PAGES)('%s: every link resolves', (page) => {
    const broken: string[] = [];
    for (const link of relativeLinks(read(page))) {
      const file = link.path === '' ? page : path.join(path.dirname(page), link.path);
      const where = `${page}:${link.line} (${link.target})`;
      if (!existsSync(path.join(ROOT, file))) broken.push(`${where}: no file ${file}`);
      else if (link.anchor !== undefined) {
        if (!file.endsWith('.md') || !statSync(path.join(ROOT, file)).isFile())
          broken.push(`${where}: ${file} has no headings to link to`);
        else if (!anchors(read(file)).has(link.anchor))
          broken.push(`${where}: no heading #${link.anchor} in ${file}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('finds the links of a page, outside code, and can report a broken one', () => {
    const links = relativeLinks(
      'see [cli](cli.md#exit-codes) and `[x](nope.md)`\n```\n[y](no.md)\n```\n[z](#top)',
    );
    expect(links.map((l) => [l.path, l.anchor, l.line])).toEqual([
      ['cli.md', 'exit-codes', 1],
      ['', 'top', 5],
    ]);
  });
});
