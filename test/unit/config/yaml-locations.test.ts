import { describe, expect, it } from 'vitest';
import { describeValue, dotted, fromPointer } from '../../../deployer/domain/config/field-path.ts';
import { locate, sourceText } from '../../../deployer/domain/config/yaml-locations.ts';
import { parseYaml } from '../../../deployer/domain/config/yaml-syntax.ts';

const TEXT = `# comment
name: web
image:
  repository: web
  pin: 1.10
cdn: { distributionId: E1, paths: ["/a", "/b"] }
verify:
base: &base
  rollback: true
rollout: *base
`;

describe('locate', () => {
  const { doc, lineCounter, problems } = parseYaml(TEXT);
  it('parses the fixture without problems', () => expect(problems).toEqual([]));

  it.each([
    [['name'], 'value', { line: 2, column: 7 }],
    [['name'], 'key', { line: 2, column: 1 }],
    [['image', 'pin'], 'value', { line: 5, column: 8 }],
    [['image', 'pin'], 'key', { line: 5, column: 3 }],
    [['cdn', 'distributionId'], 'value', { line: 6, column: 24 }],
    [['cdn', 'paths', 1], 'value', { line: 6, column: 42 }],
    // An empty value has no text: point at its key.
    [['verify'], 'value', { line: 7, column: 1 }],
    // Missing fields: the deepest ancestor that exists (its key for `key`, its value for `value`).
    [['image', 'track'], 'key', { line: 3, column: 1 }],
    [['cdn', 'paths', 7], 'value', { line: 6, column: 35 }],
    [['nope', 'deeper'], 'value', { line: 2, column: 1 }],
    // Through an alias the walk stops at the alias itself.
    [['rollout', 'rollback'], 'value', { line: 10, column: 10 }],
    [[], 'key', { line: 2, column: 1 }],
  ] as const)('locate(%j, %s) is %j', (path, anchor, position) => {
    expect(locate(doc, lineCounter, path, anchor)).toEqual(position);
  });

  it('returns 1:1 for an empty document', () => {
    const empty = parseYaml('');
    expect(locate(empty.doc, empty.lineCounter, ['name'], 'value')).toEqual({ line: 1, column: 1 });
  });
});

describe('sourceText', () => {
  const { doc } = parseYaml(TEXT);
  it('returns the scalar as written, before YAML typed it', () => {
    expect(sourceText(doc, TEXT, ['image', 'pin'])).toBe('1.10');
    expect(doc.toJS().image.pin).toBe(1.1);
  });
  it('returns undefined for collections and missing paths', () => {
    expect(sourceText(doc, TEXT, ['image'])).toBeUndefined();
    expect(sourceText(doc, TEXT, ['image', 'track'])).toBeUndefined();
  });
});

describe('field paths', () => {
  it.each([
    ['', {}, []],
    ['/image/pin', { image: { pin: 'x' } }, ['image', 'pin']],
    ['/cdn/paths/1', { cdn: { paths: ['/a', '/b'] } }, ['cdn', 'paths', 1]],
    ['/a~1b/c~0d', { 'a/b': { 'c~d': 1 } }, ['a/b', 'c~d']],
    // A numeric key of a mapping stays a string; only list indices become numbers.
    ['/map/0', { map: { '0': 1 } }, ['map', '0']],
  ])('fromPointer(%j) is %j', (pointer, data, path) => {
    expect(fromPointer(pointer, data)).toEqual(path);
  });

  it('dotted joins with dots', () => expect(dotted(['cdn', 'paths', 0])).toBe('cdn.paths.0'));

  it.each([
    [null, 'an empty value'],
    [undefined, 'an empty value'],
    [[1], 'a list'],
    [{ a: 1 }, 'a mapping'],
    ['x', 'the string "x"'],
    [1.5, 'the number 1.5'],
    [false, 'the boolean false'],
    ['y'.repeat(100), `the string "${'y'.repeat(57)}..."`],
  ])('describeValue(%j) is %j', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});
