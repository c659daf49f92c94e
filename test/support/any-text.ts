// Arbitrary text for property tests: the strings `fc.string({ unit: 'binary' })` generates (any code
// point but a lone surrogate, fast-check's dangerous strings such as "__proto__" mixed in), without its
// cost. fast-check's 'binary' unit maps an index to a code point through a table and, to mix in the
// dangerous strings, builds the reverse table once per process: a Map of 1.1 million code points, ~2 s
// of CPU (measured: 2.3 of the 2.9 CPU-s of parse-config-files.property.test.ts). Here both directions
// are arithmetic over the same index space, so the generated values, their bias and shrinking are alike.
import fc from 'fast-check';

/** The surrogate block U+D800-U+DFFF, which 'binary' leaves out (a lone half is not a code point). */
const SURROGATES_FROM = 0xd800;
const SURROGATES = 0x800;
const LAST_INDEX = 0x10ffff - SURROGATES;

const toCodePoint = (index: number) => (index < SURROGATES_FROM ? index : index + SURROGATES);

/** One code point as a string, as fast-check's 'binary' unit: index 0..0x10F7FF, surrogates skipped. */
const anyCodePoint: fc.Arbitrary<string> = fc.nat({ max: LAST_INDEX }).map(
  (index) => String.fromCodePoint(toCodePoint(index)),
  (value) => {
    // The way back, for shrinking a value fast-check did not generate (its dangerous strings).
    if (typeof value !== 'string') throw new Error('not a string');
    const point = value.codePointAt(0);
    if (point === undefined || String.fromCodePoint(point) !== value) throw new Error('not one code point');
    if (point >= SURROGATES_FROM && point < SURROGATES_FROM + SURROGATES) throw new Error('a lone surrogate');
    return point < SURROGATES_FROM ? point : point - SURROGATES;
  },
);

/** Any text of at most `maxLength` code points: `fc.string({ unit: 'binary', maxLength })`. */
export function anyText(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: anyCodePoint, maxLength });
}
