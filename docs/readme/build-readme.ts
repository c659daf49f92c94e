// README.md is the user's manual; its chapters live in docs/*.md so that each area keeps its own
// page (and docs/quick-start.md is executed by a test). This stitches them into one README so the
// manual and the pages cannot drift: `npm run readme` writes it, a test fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DOCS = fileURLToPath(new URL('..', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** Chapter order: what a new user needs first comes first. */
export const CHAPTERS = [
  'readme/intro.md',
  'quick-start.md',
  'config.md',
  'cli.md',
  'dashboard.md',
  'deployer.md',
  'aws.md',
  'github.md',
  'runtime.md',
  'events-and-plans.md',
  'architecture.md',
  'local.md',
  'service.md',
  'benchmarks.md',
  'testing.md',
  'readme/development.md',
] as const;

const FENCE = /^(```|~~~)/;

/** Shifts headings (outside code fences) so the page's top heading becomes `##`. */
function demoteHeadings(markdown: string): string {
  const lines = markdown.split('\n');
  let inFence = false;
  let top = Number.POSITIVE_INFINITY;
  for (const line of lines) {
    if (FENCE.test(line)) inFence = !inFence;
    else if (!inFence) {
      const level = /^(#{1,6}) /.exec(line)?.[1]?.length;
      if (level !== undefined) top = Math.min(top, level);
    }
  }
  const shift = Number.isFinite(top) ? 2 - top : 0;
  inFence = false;
  return lines
    .map((line) => {
      if (FENCE.test(line)) inFence = !inFence;
      if (inFence || shift === 0) return line;
      const match = /^(#{1,6}) (.*)$/.exec(line);
      if (!match?.[1]) return line;
      const level = Math.min(6, Math.max(1, match[1].length + shift));
      return `${'#'.repeat(level)} ${match[2]}`;
    })
    .join('\n');
}

/** Links between pages (`cli.md`, `../README.md`) still resolve from the repository root. */
function rewriteLinks(markdown: string): string {
  return markdown.replace(
    /\]\((?!https?:|#|\/)([^)\s]+\.md)(#[^)]*)?\)/g,
    (_all, target: string, hash = '') =>
      target.startsWith('../') ? `](${target.slice(3)}${hash})` : `](docs/${target}${hash})`,
  );
}

export function buildReadme(): string {
  const parts = CHAPTERS.map((chapter) => {
    const text = readFileSync(`${DOCS}${chapter}`, 'utf8').trim();
    return chapter === 'readme/intro.md' ? text : rewriteLinks(demoteHeadings(text));
  });
  return `${parts.join('\n\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const next = buildReadme();
  const current = readFileSync(README, 'utf8');
  if (check) {
    if (current !== next) {
      console.error('README.md is stale: run `npm run readme` and commit the result.');
      process.exit(1);
    }
    console.log('README.md is up to date.');
  } else {
    writeFileSync(README, next);
    console.log(`README.md written from ${CHAPTERS.length} chapters.`);
  }
}
