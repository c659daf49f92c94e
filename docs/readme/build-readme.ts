// README.md is a map: docs/readme/readme.md (what it is, the two commands, a picture, links to the
// chapters) with the quick start spliced in where `<!-- quick-start -->` stands, because a reader
// should find the first run on the first screen and docs/quick-start.md is the copy a test runs.
// Nothing else is copied, so editing any other page needs no rebuild. `npm run readme` writes it;
// test/unit/readme.test.ts fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DOCS = fileURLToPath(new URL('..', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));

export const TEMPLATE = 'readme/readme.md';
export const QUICK_START = 'quick-start.md';
const QUICK_START_MARKER = '<!-- quick-start -->';
/** The quick start's "where next" links after this marker are the README's own table instead. */
const QUICK_START_END = '<!-- readme: end -->';

/** Links between pages (`cli.md`, `../README.md`) still resolve from the repository root. */
export function rewriteLinks(markdown: string): string {
  return markdown.replace(
    /\]\((?!https?:|#|\/)([^)\s#]+\.md)(#[^)]*)?\)/g,
    (_all, target: string, hash = '') =>
      target.startsWith('../') ? `](${target.slice(3)}${hash})` : `](docs/${target}${hash})`,
  );
}

export function buildReadme(
  read: (file: string) => string = (file) => readFileSync(`${DOCS}${file}`, 'utf8'),
): string {
  const template = read(TEMPLATE).trim();
  if (!template.includes(QUICK_START_MARKER))
    throw new Error(`${TEMPLATE} lost its ${QUICK_START_MARKER} marker`);
  const quickStart = read(QUICK_START).split(QUICK_START_END)[0]?.trim() ?? '';
  return `${template.replace(QUICK_START_MARKER, () => rewriteLinks(quickStart))}\n`;
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
    console.log(`README.md written: ${next.length} bytes.`);
  }
}
