// The response serializers are generated ahead of time (`npm run validators`, scripts/generate-
// serializers.ts): fast-json-stringify's standalone code. These tests keep them current and hold them to
// what Fastify's own compiler builds from the same schemas: byte for byte on every branch and on hostile
// strings, and the same error where that one throws.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import fastJsonStringify from 'fast-json-stringify';
import { describe, expect, it } from 'vitest';
import { checkServiceHistory } from '../../../deployer/contract/check-history.ts';
import { checkDeployerStatus, checkServiceStatus } from '../../../deployer/contract/check-status.ts';
import serializeDeployerStatus from '../../../deployer/contract/generated/deployer-status-serializer.js';
import serializeServiceHistory from '../../../deployer/contract/generated/service-history-serializer.js';
import serializeServiceStatus from '../../../deployer/contract/generated/service-status-serializer.js';
import {
  FASTIFY_SERIALIZER_OPTIONS,
  generatedSerializer,
  SERIALIZERS,
  staleSerializers,
} from '../../../scripts/generate-serializers.ts';
import { propertyRuns } from '../../support/property-runs.ts';
import {
  deployerStatuses,
  HOSTILE_STRINGS,
  histories,
  richService,
  serviceVariants,
  withHostileStrings,
  withStrings,
} from './response-fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

type Serialize = (input: never) => string;
const GENERATED: Record<string, Serialize> = {
  'deployer/contract/generated/deployer-status-serializer.js': serializeDeployerStatus,
  'deployer/contract/generated/service-status-serializer.js': serializeServiceStatus,
  'deployer/contract/generated/service-history-serializer.js': serializeServiceHistory,
};
const FIXTURES: Record<string, () => unknown[]> = {
  'deployer/contract/generated/deployer-status-serializer.js': deployerStatuses,
  'deployer/contract/generated/service-status-serializer.js': serviceVariants,
  'deployer/contract/generated/service-history-serializer.js': histories,
};

/** The text, or the message it throws with. */
const outcome = (serialize: (input: never) => string, input: unknown): string => {
  try {
    return `text ${serialize(input as never)}`;
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
};

describe('generated serializers', () => {
  it('match the schemas they were generated from (run `npm run validators` when this fails)', async () => {
    expect(await staleSerializers()).toEqual([]);
  });

  it('differ from the checked-in code once a schema changes (the check above can fail)', () => {
    const spec = SERIALIZERS.find((s) => s.file.endsWith('service-history-serializer.js'));
    if (!spec) throw new Error('the history serializer is not generated');
    const schema = spec.schema as { properties: Record<string, object> };
    const { more: _, ...properties } = schema.properties;
    const edited = { ...spec, schema: { ...schema, properties } };
    const checkedIn = readFileSync(path.join(ROOT, spec.file), 'utf8');
    expect(generatedSerializer(spec).js).toBe(checkedIn);
    expect(generatedSerializer(edited).js).not.toBe(checkedIn);
  });

  it('are tried on fixtures the contract accepts (so the branches they reach are real ones)', () => {
    for (const status of deployerStatuses()) expect(checkDeployerStatus(status)).toMatchObject({ ok: true });
    for (const status of serviceVariants()) expect(checkServiceStatus(status)).toMatchObject({ ok: true });
    for (const history of histories()) expect(checkServiceHistory(history)).toMatchObject({ ok: true });
  });

  it('are ES modules: no require(), no module.exports', () => {
    for (const spec of SERIALIZERS) {
      const code = readFileSync(path.join(ROOT, spec.file), 'utf8');
      expect(code, spec.file).not.toMatch(/\brequire\(|\bmodule\.exports\b/);
    }
  });

  describe.each(SERIALIZERS.map((spec) => [spec.file, spec] as const))('%s', (file, spec) => {
    // What Fastify's default serializer compiler builds for the same schema.
    const compiled = fastJsonStringify(spec.schema, FASTIFY_SERIALIZER_OPTIONS) as Serialize;
    const generated = GENERATED[file] as Serialize;
    const fixtures = (FIXTURES[file] as () => unknown[])();

    it('writes what the compiled serializer writes, byte for byte, on every branch', () => {
      for (const fixture of fixtures) expect(generated(fixture as never)).toBe(compiled(fixture as never));
    });

    it('escapes hostile strings in every field as the compiled one does', () => {
      for (const [i, fixture] of fixtures.entries())
        for (let offset = 0; offset < HOSTILE_STRINGS.length; offset += 1) {
          const hostile = withHostileStrings(fixture, offset + i);
          const text = generated(hostile as never);
          expect(text).toBe(compiled(hostile as never));
          expect(() => JSON.parse(text)).not.toThrow();
        }
    });

    it('throws where the compiled one throws, and with the same message', () => {
      const [first] = fixtures as Record<string, unknown>[];
      const broken: unknown[] = [
        null,
        'text',
        [],
        Object.fromEntries(Object.entries(first ?? {}).slice(1)),
        { ...first, unexpected: 'left out' },
        { ...first, [Object.keys(first ?? {})[0] ?? 'x']: { toString: () => 'an object' } },
        { ...first, [Object.keys(first ?? {})[0] ?? 'x']: new Date(0) },
      ];
      for (const input of broken) expect(outcome(generated, input)).toBe(outcome(compiled, input));
    });
  });

  it('match the compiled serializer on any string in any field of a rich status', () => {
    const spec = SERIALIZERS.find((s) => s.file.endsWith('service-status-serializer.js'));
    if (!spec) throw new Error('the service status serializer is not generated');
    const compiled = fastJsonStringify(spec.schema, FASTIFY_SERIALIZER_OPTIONS) as Serialize;
    // UTF-16 code units, lone surrogates included: what a JavaScript string can hold.
    const unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(fc.array(fc.string({ unit, maxLength: 40 }), { minLength: 1, maxLength: 8 }), (texts) => {
        let next = 0;
        const status = withStrings(richService('p'), () => texts[next++ % texts.length] ?? '');
        expect(serializeServiceStatus(status)).toBe(compiled(status as never));
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });
});
