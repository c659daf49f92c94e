// The validators the program imports are generated ahead from the schemas (scripts/generate-validators.ts),
// so no process compiles a schema at start. This keeps them current: a schema edited without running
// `npm run validators` fails here, naming the files to regenerate.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedModule, staleValidators, VALIDATORS } from '../../../scripts/generate-validators.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('generated validators', () => {
  it('match the schemas they were generated from (run `npm run validators` when this fails)', async () => {
    expect(await staleValidators()).toEqual([]);
  });

  it('differ from the checked-in code once a schema changes (the check above can fail)', () => {
    const spec = VALIDATORS.find((v) => v.file.endsWith('queue-message-validator.js'));
    if (!spec) throw new Error('the queue message validator is not generated');
    const schema = spec.schema as { oneOf: object[] };
    const edited = { ...spec, schema: { ...schema, oneOf: schema.oneOf.slice(1) } };
    const checkedIn = readFileSync(path.join(ROOT, spec.file), 'utf8');
    expect(generatedModule(spec).js).toBe(checkedIn);
    expect(generatedModule(edited).js).not.toBe(checkedIn);
  });

  it('import their ajv runtime helpers as modules (no require() in an ES module)', () => {
    for (const spec of VALIDATORS) {
      const code = readFileSync(path.join(ROOT, spec.file), 'utf8');
      expect(code, spec.file).not.toMatch(/\brequire\(/);
    }
  });
});
