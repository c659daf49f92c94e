import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';
import type { ConfigLoadResult } from '../../../deployer/domain/types.ts';
import { anyText } from '../../support/any-text.ts';
import { propertyRuns } from '../../support/property-runs.ts';

const RUNS = 1000;

/** Invariants of every result: errors are positioned, sorted, and name a file that was given. */
function checkResult(result: ConfigLoadResult, paths: string[]): void {
  if (result.ok) {
    for (const s of result.state.services) expect(paths).toContain(s.source.file);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const e of result.errors) {
    expect(paths).toContain(e.file);
    expect(Number.isInteger(e.line) && e.line >= 1).toBe(true);
    expect(Number.isInteger(e.column) && e.column >= 1).toBe(true);
    expect(e.message.length).toBeGreaterThan(0);
    // The loader turns a throwing check into an "internal error" entry; none may ever appear.
    expect(e.message).not.toContain('internal error');
  }
  const order = result.errors.map((e) => [e.file, e.line, e.column] as const);
  const sorted = [...order].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]));
  expect(order).toEqual(sorted);
}

// YAML-ish values shaped like service configs: known keys, typos and junk, any nesting and scalar type.
const KEYS = [
  'name',
  'cluster',
  'service',
  'container',
  'image',
  'repository',
  'pin',
  'track',
  'semver',
  'glob',
  'regex',
  'latest',
  'prerelease',
  'verify',
  'url',
  'successes',
  'timeoutSeconds',
  'cdn',
  'paths',
  'distributionId',
  'rollout',
  'rollback',
  'suspended',
  'imgae',
  '$schema',
  '__proto__',
  'constructor',
];
const scalar = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'actors',
    'gitops',
    '^1.0.0',
    '((',
    '/*',
    'sha256:abc',
    `sha256:${'a'.repeat(64)}`,
    'x:1',
    'http://x.test/',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), tie('node'), { maxKeys: 6 }),
})).node;

describe('parseConfigFiles never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(anyText(200), (text) => {
        checkResult(parseConfigFiles([{ path: 'services/x.yaml', text }], 'r'), ['services/x.yaml']);
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  it('on YAML-looking text made of config tokens', () => {
    const token = fc.constantFrom(
      'name',
      'image',
      ':',
      ' ',
      '\n',
      '  ',
      '- ',
      '[',
      ']',
      '{',
      '}',
      '"',
      "'",
      '&a',
      '*a',
      '!tag',
      '#',
      '---',
      '\t',
      'pin',
      'track',
      'semver',
      '^1',
      'true',
      '1.10',
      '?',
      '|',
      '>',
      ',',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (tokens) => {
        checkResult(parseConfigFiles([{ path: 'services/x.yaml', text: tokens.join('') }], 'r'), [
          'services/x.yaml',
        ]);
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  it('on arbitrary YAML documents shaped like configs, across several files', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), (docs) => {
        const files = docs.map((doc, i) => ({ path: `services/s${i}.yaml`, text: stringify(doc) }));
        checkResult(
          parseConfigFiles(files, 'r'),
          files.map((f) => f.path),
        );
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  it('on mutations of a valid config (one field replaced by any value)', () => {
    const base = {
      name: 'x',
      cluster: 'gitops',
      service: 'x',
      container: 'x',
      image: { repository: 'x', track: { semver: '^1.0.0' } },
      verify: { url: 'http://x.test/version' },
      cdn: { distributionId: 'E1' },
      rollout: { rollback: true },
    };
    const fields = [
      'name',
      'cluster',
      'service',
      'container',
      'image',
      'verify',
      'cdn',
      'rollout',
      'suspended',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...fields), value, (field, replacement) => {
        const doc = { ...base, [field]: replacement };
        checkResult(parseConfigFiles([{ path: 'services/x.yaml', text: stringify(doc) }], 'r'), [
          'services/x.yaml',
        ]);
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });
});

// Valid configs built from the documented value spaces: the loader must accept every one of them and
// return exactly what was written, with the defaults filled in.
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
const ecsName = fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$/);
const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`);
const policy = fc.oneof(
  fc.record(
    { semver: fc.constantFrom('^1.0.0', '~2.1', '1.x', '>=1.4.0 <2.0.0', '*'), prerelease: fc.boolean() },
    { requiredKeys: ['semver'] },
  ),
  fc.record({ glob: fc.constantFrom('release-*', '1.*', '*') }),
  fc.record({ regex: fc.constantFrom('^main-[0-9a-f]{7}$', '^v\\d+', '.') }),
  fc.constant({ latest: true as const }),
);
const validConfig = fc.record(
  {
    name: label,
    cluster: ecsName,
    service: ecsName,
    container: ecsName,
    image: fc.oneof(
      fc.record({ repository: label, pin: fc.oneof(tag, digest) }),
      fc.record({ repository: label, track: policy }, { requiredKeys: ['repository'] }),
    ),
    verify: fc.record(
      {
        url: fc.constantFrom('http://127.0.0.1:5080/version', 'https://d1.cloudfront.net/version'),
        expectVersion: fc.boolean(),
        successes: fc.integer({ min: 1, max: 5 }),
        intervalSeconds: fc.constantFrom(0.5, 1, 2, 5),
        timeoutSeconds: fc.integer({ min: 60, max: 3600 }),
      },
      { requiredKeys: ['url'] },
    ),
    cdn: fc.record(
      {
        distributionId: fc.stringMatching(/^[A-Z0-9]{1,14}$/),
        paths: fc.uniqueArray(fc.constantFrom('/*', '/index.html', '/api/*'), { minLength: 1 }),
      },
      { requiredKeys: ['distributionId'] },
    ),
    rollout: fc.record(
      { timeoutSeconds: fc.integer({ min: 1, max: 86_400 }), rollback: fc.boolean() },
      { requiredKeys: [] },
    ),
    suspended: fc.boolean(),
  },
  { requiredKeys: ['name', 'cluster', 'service', 'container', 'image'] },
);

describe('parseConfigFiles accepts every valid config', () => {
  it('returns what was written, with defaults for what was not', () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const path = `services/${config.name}.yaml`;
        const result = parseConfigFiles([{ path, text: stringify(config) }], 'r');
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        const [service] = result.state.services;
        expect(service?.name).toBe(config.name);
        expect(service?.image.repository).toBe(config.image.repository);
        if ('pin' in config.image) expect(service?.image.pin).toBe(config.image.pin);
        const track = 'track' in config.image ? config.image.track : undefined;
        expect(service?.image.track).toEqual(
          track === undefined
            ? { latest: true }
            : 'semver' in track
              ? { prerelease: false, ...track }
              : track,
        );
        expect(service?.verify).toEqual(
          config.verify && {
            expectVersion: true,
            successes: 3,
            intervalSeconds: 2,
            timeoutSeconds: 120,
            ...config.verify,
          },
        );
        expect(service?.cdn).toEqual(config.cdn && { paths: ['/*'], ...config.cdn });
        expect(service?.rollout).toEqual({ timeoutSeconds: 900, rollback: true, ...config.rollout });
        expect(service?.suspended).toBe(config.suspended ?? false);
        expect(service?.source).toEqual({ file: path });
      }),
      { numRuns: propertyRuns(500) },
    );
  });
});
