import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigDirectory } from '../../../deployer/adapters/config-directory.ts';
import { DirectoryConfigSource } from '../../../deployer/adapters/directory-config-source.ts';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/config');
const temp = mkdtempSync(path.join(tmpdir(), 'config-directory-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('loadConfigDirectory', () => {
  it('loads every services/*.yaml and *.yml of a valid directory', async () => {
    const result = await loadConfigDirectory(path.join(FIXTURES, 'valid'));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.state.services.map((s) => [s.name, s.source.file])).toEqual([
      ['actors', path.join(FIXTURES, 'valid/services/actors.yaml')],
      ['web', path.join(FIXTURES, 'valid/services/web.yml')],
    ]);
    expect(result.state.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('uses the revision DirectoryConfigSource reports for the same directory', async () => {
    const root = path.join(temp, 'repo');
    mkdirSync(path.join(root, 'config/services'), { recursive: true });
    writeFileSync(
      path.join(root, 'config/services/api.yaml'),
      'name: api\ncluster: c\nservice: api\ncontainer: api\nimage:\n  repository: api\n',
    );
    const snapshot = await new DirectoryConfigSource({ root }).read(undefined, AbortSignal.timeout(5000));
    const result = await loadConfigDirectory(path.join(root, 'config'));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.state.revision).toBe(snapshot.revision);
  });

  it('returns positioned errors with paths under the given directory', async () => {
    const dir = path.join(FIXTURES, 'invalid');
    const result = await loadConfigDirectory(dir);
    if (result.ok) throw new Error('expected errors');
    expect(result.revision).toMatch(/^sha256:/);
    expect(result.errors.map((e) => [path.relative(dir, e.file), e.line, e.column, e.field])).toEqual([
      ['services/actors.yaml', 5, 1, 'imgae'],
      ['services/web.yaml', 3, 10, 'service'],
      ['services/web.yaml', 7, 8, 'image.pin'],
    ]);
  });

  it('reports a missing directory as an error saying what to create', async () => {
    const dir = path.join(temp, 'nope');
    const result = await loadConfigDirectory(dir);
    expect(result).toEqual({
      ok: false,
      revision: 'none',
      errors: [
        {
          file: dir,
          line: 1,
          column: 1,
          field: '',
          message: expect.stringContaining(
            `config directory ${dir} does not exist; create ${dir}/services/<name>.yaml`,
          ),
        },
      ],
    });
  });

  it('reports a config root without services/', async () => {
    const dir = path.join(FIXTURES, 'no-services');
    const result = await loadConfigDirectory(dir);
    if (result.ok) throw new Error('expected errors');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toContain(
      `services directory ${path.join(dir, 'services')} does not exist`,
    );
  });

  it('suggests the parent when given the services directory itself', async () => {
    const dir = path.join(FIXTURES, 'valid/services');
    const result = await loadConfigDirectory(dir);
    if (result.ok) throw new Error('expected errors');
    expect(result.errors[0]?.message).toContain(
      `${dir} itself holds YAML files: pass its parent directory ${path.join(FIXTURES, 'valid')} instead`,
    );
  });

  it('reports a file given instead of a directory', async () => {
    const file = path.join(temp, 'file.yaml');
    writeFileSync(file, 'name: x\n');
    const result = await loadConfigDirectory(file);
    if (result.ok) throw new Error('expected errors');
    expect(result.errors[0]?.message).toBe(
      `${file} is not a directory; expected a config directory (the directory that contains services/, e.g. \`config\`)`,
    );
  });

  it('accepts an empty services directory as zero services', async () => {
    const dir = path.join(temp, 'empty');
    mkdirSync(path.join(dir, 'services'), { recursive: true });
    const result = await loadConfigDirectory(dir);
    expect(result.ok && result.state.services).toEqual([]);
  });
});
