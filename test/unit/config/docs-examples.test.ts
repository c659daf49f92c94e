import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';

// The examples in docs/config.md are read by people who copy them: they must stay valid.
const DOC = readFileSync(path.join(import.meta.dirname, '../../../docs/config.md'), 'utf8');
const yamlBlocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
const BASE = 'name: web\ncluster: gitops\nservice: web\ncontainer: app\n';

describe('docs/config.md examples', () => {
  it('has the full example first, and it is the shipped actors.yaml minus comments', () => {
    const [full] = yamlBlocks;
    const result = parseConfigFiles([{ path: 'services/actors.yaml', text: full ?? '' }], 'r');
    expect(result.ok, JSON.stringify(!result.ok && result.errors)).toBe(true);
    const shipped = readFileSync(
      path.join(import.meta.dirname, '../../../config/services/actors.yaml'),
      'utf8',
    );
    const strip = (text: string) =>
      text
        .split('\n')
        .map((line) => line.replace(/\s+#.*$/, '').replace(/^#.*$/, ''))
        .filter((line) => line !== '')
        .join('\n');
    expect(strip(full ?? '')).toBe(strip(shipped));
  });

  const imageLines = yamlBlocks
    .flatMap((block) => block.split('\n'))
    .filter((line) => line.startsWith('image: {'))
    .map((line) => line.replace(/\s+#.*$/, ''));

  it('has image examples to check', () => expect(imageLines.length).toBeGreaterThanOrEqual(6));

  it.each(imageLines.filter((line) => !line.includes('...')))('accepts %s', (line) => {
    const result = parseConfigFiles([{ path: 'services/web.yaml', text: `${BASE}${line}\n` }], 'r');
    expect(result.ok, JSON.stringify(!result.ok && result.errors)).toBe(true);
  });
});
