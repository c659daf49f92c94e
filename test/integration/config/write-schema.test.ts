// `npm run schema` (deployer/cli/write-schema.ts) as a process: writes the file, --check passes, and
// a stale file fails --check with exit 1.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceSchema } from '../../../deployer/domain/config/service-schema.ts';

describe('write-schema.ts (spawned)', () => {
  const script = path.join(import.meta.dirname, '../../../deployer/cli/write-schema.ts');
  const run = (args: string[]) =>
    spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 50_000 });

  it('writes the schema to a file and --check then passes; a stale file fails --check with exit 1', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'write-schema-'));
    try {
      const file = path.join(dir, 'service.schema.json');
      expect(run([file]).status).toBe(0);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(serviceSchema);
      expect(run([file, '--check']).status).toBe(0);
      writeFileSync(file, readFileSync(file, 'utf8').replace('"default": 3', '"default": 4'));
      const stale = run([file, '--check']);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain('is out of date; run `npm run schema`');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
