import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReadme, CHAPTERS } from '../../docs/readme/build-readme.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it('equals the chapters of docs/ stitched together (run `npm run readme` after editing docs)', () => {
    expect(readme).toBe(buildReadme());
  });

  it('names the two commands: run the deployer locally and run the tests', () => {
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
  });

  it('has the sections a user of a deployer looks for', () => {
    for (const heading of [
      '## Quick start',
      '## Configuration',
      '## Deploy to AWS',
      '### Wire the GitHub webhook',
      '## Benchmarks and resilience',
    ]) {
      expect(readme).toContain(heading);
    }
    expect(CHAPTERS).toContain('quick-start.md');
  });

  it('links only to anchors that exist in it', () => {
    const anchors = new Set(
      [...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
        (m[1] ?? '')
          .toLowerCase()
          .replace(/[^\p{L}\p{N} -]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) expect(anchors, `#${link}`).toContain(link);
  });
});
