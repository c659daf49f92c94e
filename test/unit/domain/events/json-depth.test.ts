import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDeeperThan, MAX_JSON_DEPTH } from '../../../../deployer/domain/events/json-depth.ts';
import { propertyRuns } from '../../../support/property-runs.ts';

/** Nesting depth of a parsed JSON value (0 for a scalar). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child));
  return deepest + 1;
}

describe('jsonDeeperThan', () => {
  it.each([
    ['a scalar', '"x"', 0, false],
    ['an empty object', '{}', 1, false],
    ['an object in an array at the limit', '[{}]', 2, false],
    ['one level over', '[[[]]]', 2, true],
    ['brackets inside a string', '["[[[[[["]', 1, false],
    ['an escaped quote inside a string', '["\\"[[[["]', 1, false],
    ['an escaped backslash before the closing quote', '["\\\\", [[]]]', 2, true],
  ])('%s: jsonDeeperThan(%j, %i) is %s', (_name, text, max, expected) => {
    expect(jsonDeeperThan(text, max)).toBe(expected);
  });

  it('stops at the first level over the limit of a 1 MB body of open brackets', () => {
    expect(jsonDeeperThan('['.repeat(1_000_000), MAX_JSON_DEPTH)).toBe(true);
  });

  it('agrees with the depth of the parsed value for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.nat(8), (value, max) => {
        expect(jsonDeeperThan(JSON.stringify(value), max)).toBe(depthOf(value) > max);
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });
});
