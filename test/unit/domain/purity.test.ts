import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The domain takes time, env and I/O as inputs; these calls would make it impure.
const FORBIDDEN = ['Date.now(', 'new Date()', 'process.env', 'fetch('];
const root = join(import.meta.dirname, '../../../deployer/domain');
const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

describe('domain purity', () => {
  it('has files to scan', () => expect(files.length).toBeGreaterThan(2));
  it.each(files)('%s uses no clock, env or network', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(FORBIDDEN.filter((f) => text.includes(f))).toEqual([]);
  });
});
