import { describe, expect, it } from 'vitest';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';
import type { ConfigError, ConfigFile } from '../../../deployer/domain/types.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const MINIMAL = 'name: web\ncluster: gitops\nservice: web\ncontainer: app\nimage:\n  repository: web\n';

/** A valid file with `extra` lines appended (so line numbers below start at 7). */
const withLines = (extra: string, base = MINIMAL) => base + extra;
const file = (text: string, path = 'services/web.yaml'): ConfigFile => ({ path, text });

function errorsOf(files: ConfigFile[]): ConfigError[] {
  const result = parseConfigFiles(files, 'rev-1');
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.state)}`);
  expect(result.revision).toBe('rev-1');
  return result.errors;
}

type Case = [title: string, text: string, line: number, column: number, field: string, message: string];

// One problem per case, with the exact place it must be reported.
const SINGLE_FILE_CASES: Case[] = [
  [
    'unknown top-level field with a suggestion',
    withLines('imgae: x\n'),
    7,
    1,
    'imgae',
    'unknown field `imgae`; did you mean `image`?',
  ],
  [
    'unknown nested field with a suggestion',
    withLines('  tarck:\n    latest: true\n'),
    7,
    3,
    'image.tarck',
    'did you mean `track`?',
  ],
  [
    'field at the wrong level says where it belongs',
    withLines('timeoutSeconds: 5\n'),
    7,
    1,
    'timeoutSeconds',
    'it belongs at `verify.timeoutSeconds` or `rollout.timeoutSeconds`',
  ],
  [
    'unknown field without a near name lists the known ones',
    withLines('rollout:\n  zzz: 1\n'),
    8,
    3,
    'rollout.zzz',
    'known fields are `timeoutSeconds`, `rollback`',
  ],
  [
    'missing required top-level field',
    'name: web\ncluster: gitops\nservice: web\nimage:\n  repository: web\n',
    1,
    1,
    'container',
    'missing required field `container`',
  ],
  [
    'missing required nested field points at its parent',
    withLines('verify:\n  successes: 2\n'),
    7,
    1,
    'verify.url',
    'missing required field `url` in `verify`',
  ],
  [
    'wrong type: number for a string, with quoting hint from the source',
    withLines('  pin: 1.10\n'),
    7,
    8,
    'image.pin',
    'expected a string, got the number 1.1; quote it to keep it text: "1.10"',
  ],
  [
    'wrong type: string for a boolean',
    withLines('suspended: "yes"\n'),
    7,
    12,
    'suspended',
    'expected true or false, got the string "yes"',
  ],
  [
    'wrong type: list for a mapping',
    withLines('rollout: [1]\n'),
    7,
    10,
    'rollout',
    'expected a mapping, got a list',
  ],
  [
    'empty mapping value',
    withLines('cdn:\n'),
    7,
    1,
    'cdn',
    'is empty; expected a mapping (give it fields or remove the key)',
  ],
  [
    'fractional integer',
    withLines('rollout:\n  timeoutSeconds: 1.5\n'),
    8,
    19,
    'rollout.timeoutSeconds',
    'expected a whole number, got the number 1.5',
  ],
  [
    'number below minimum',
    withLines('verify:\n  url: https://x.test/version\n  successes: 0\n'),
    9,
    14,
    'verify.successes',
    'must be >= 1, got the number 0',
  ],
  [
    'name that is not a DNS label',
    'name: Web_1\ncluster: gitops\nservice: web\ncontainer: app\nimage:\n  repository: web\n',
    1,
    7,
    'name',
    'must be a DNS label',
  ],
  [
    'cluster with spaces',
    'name: web\ncluster: my cluster\nservice: web\ncontainer: app\nimage:\n  repository: web\n',
    2,
    10,
    'cluster',
    'must be an ECS cluster name',
  ],
  [
    'track with two policies',
    withLines('  track:\n    semver: "^1"\n    glob: "1.*"\n'),
    7,
    3,
    'image.track',
    'takes exactly one policy, got `semver` and `glob`',
  ],
  ['track with no policy', withLines('  track: {}\n'), 7, 3, 'image.track', '`track` needs one policy'],
  [
    'prerelease without semver',
    withLines('  track:\n    glob: "1.*"\n    prerelease: true\n'),
    9,
    5,
    'image.track.prerelease',
    '`prerelease` only applies to a `semver` track',
  ],
  [
    'latest: false',
    withLines('  track:\n    latest: false\n'),
    8,
    13,
    'image.track.latest',
    '`latest` can only be `true`',
  ],
  [
    'malformed digest pin (too short)',
    withLines('  pin: "sha256:abc"\n'),
    7,
    8,
    'image.pin',
    'malformed digest: expected `sha256:` followed by 64 lowercase hex characters, got 3',
  ],
  [
    'digest pin in uppercase hex',
    withLines(`  pin: "sha256:${'A'.repeat(64)}"\n`),
    7,
    8,
    'image.pin',
    'digest must use lowercase hex characters',
  ],
  [
    'pin that is an image outside the repository',
    withLines('  pin: "other:1.0.0"\n'),
    7,
    8,
    'image.pin',
    'image `other:1.0.0` is outside the configured repository `web`',
  ],
  [
    'pin in another registry',
    withLines(`  pin: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/evil@${DIGEST}"\n`),
    7,
    8,
    'image.pin',
    'is outside the configured repository `web`',
  ],
  [
    'pin in a non-ECR registry while the repository is a bare ECR name',
    withLines('  pin: "docker.io/web:1.0"\n'),
    7,
    8,
    'image.pin',
    'image `docker.io/web:1.0` is outside the configured repository `web`',
  ],
  [
    'pin with a malformed digest in a reference',
    withLines('  pin: "web@sha256:1234"\n'),
    7,
    8,
    'image.pin',
    'malformed digest',
  ],
  [
    'pin that is no tag, digest or reference',
    withLines('  pin: "not a tag"\n'),
    7,
    8,
    'image.pin',
    'is neither a tag',
  ],
  [
    'pin that names the repository without tag',
    withLines(
      '  pin: "registry.test/web"\n',
      MINIMAL.replace('repository: web', 'repository: registry.test/web'),
    ),
    7,
    8,
    'image.pin',
    'names a repository but no tag or digest',
  ],
  [
    'repository with a tag',
    'name: web\ncluster: gitops\nservice: web\ncontainer: app\nimage:\n  repository: "web:1.0"\n',
    6,
    15,
    'image.repository',
    'must not include a tag or digest',
  ],
  [
    'repository that is not a reference',
    'name: web\ncluster: gitops\nservice: web\ncontainer: app\nimage:\n  repository: "Web App"\n',
    6,
    15,
    'image.repository',
    'invalid repository',
  ],
  [
    'invalid semver range',
    withLines('  track:\n    semver: "^^1"\n'),
    8,
    13,
    'image.track.semver',
    'invalid semver range `^^1`',
  ],
  [
    'invalid regex',
    withLines('  track:\n    regex: "(("\n'),
    8,
    12,
    'image.track.regex',
    'invalid regular expression: missing closing ): `((`',
  ],
  [
    'glob with a repository in it',
    withLines('  track:\n    glob: "web:1.*"\n'),
    8,
    11,
    'image.track.glob',
    'matched against tags only',
  ],
  [
    'verify url that is not http',
    withLines('verify:\n  url: ftp://x.test/\n'),
    8,
    8,
    'verify.url',
    'must be an absolute http:// or https:// URL',
  ],
  [
    'verify url that does not parse',
    withLines('verify:\n  url: "http://exa mple"\n'),
    8,
    8,
    'verify.url',
    'must be an absolute http:// or https:// URL',
  ],
  [
    'verify url with credentials',
    withLines('verify:\n  url: https://user:secret@x.test/version\n'),
    8,
    8,
    'verify.url',
    'must not contain a user name or password',
  ],
  [
    'verify timing that can never pass',
    withLines(
      'verify:\n  url: http://x.test/\n  successes: 10\n  intervalSeconds: 5\n  timeoutSeconds: 30\n',
    ),
    11,
    19,
    'verify.timeoutSeconds',
    '10 successes 5s apart take at least 45s, longer than timeoutSeconds 30s',
  ],
  [
    'cdn distribution id in lowercase',
    withLines('cdn:\n  distributionId: e2example\n'),
    8,
    19,
    'cdn.distributionId',
    'must be a CloudFront distribution id',
  ],
  [
    'cdn path without a slash',
    withLines('cdn:\n  distributionId: E2EXAMPLE\n  paths: ["/a", "b"]\n'),
    9,
    17,
    'cdn.paths.1',
    'must be an invalidation path starting with "/"',
  ],
  [
    'cdn path listed twice',
    withLines('cdn:\n  distributionId: E2EXAMPLE\n  paths: ["/a", "/a"]\n'),
    9,
    10,
    'cdn.paths',
    'must not list the same entry twice',
  ],
  [
    'name that does not match the file',
    MINIMAL.replace('name: web', 'name: api'),
    1,
    7,
    'name',
    'name `api` must match the file name `web`; rename the file to api.yaml or set `name: web`',
  ],
  ['a list instead of a mapping', '- name: web\n', 1, 1, '', 'expected a mapping, got a list'],
  [
    'a scalar instead of a mapping',
    'just text\n',
    1,
    1,
    '',
    'expected a mapping, got the string "just text"',
  ],
  ['empty file', '', 1, 1, '', 'the file is empty'],
  ['file with only comments', '# nothing yet\n', 1, 1, '', 'the file is empty'],
  ['YAML syntax error', 'name: web\nimage: [1,\n', 3, 1, '', 'YAML syntax: '],
  ['duplicate key', 'name: web\nname: web\n', 2, 1, '', 'this field appears twice'],
  [
    'tab indentation',
    'name: web\nimage:\n\trepository: web\n',
    3,
    1,
    '',
    'tabs are not allowed for indentation',
  ],
  ['two YAML documents', `${MINIMAL}---\n${MINIMAL}`, 7, 1, '', 'one service per file'],
  ['unknown YAML tag', withLines('suspended: !maybe true\n'), 7, 12, '', 'unknown YAML tag'],
  ['undefined alias', withLines('suspended: *nothing\n'), 1, 1, '', 'cannot read the YAML'],
  [
    'a misspelt policy is one error, not also "needs one policy"',
    withLines('  track:\n    semvr: "^1"\n'),
    8,
    5,
    'image.track.semvr',
    'did you mean `semver`?',
  ],
  [
    'a misspelt required field is one error, not also "missing"',
    withLines('verify:\n  urll: http://x.test/\n'),
    8,
    3,
    'verify.urll',
    'did you mean `url`?',
  ],
  [
    'a track that is not a mapping is one error',
    withLines('  track: "^1.0.0"\n'),
    7,
    10,
    'image.track',
    'expected a mapping, got the string "^1.0.0"',
  ],
  [
    'YAML 1.1 booleans',
    withLines('suspended: on\n'),
    7,
    12,
    'suspended',
    'YAML reads yes/no/on/off as text here, write true or false',
  ],
  [
    'YAML 1.1 boolean for latest',
    withLines('  track:\n    latest: yes\n'),
    8,
    13,
    'image.track.latest',
    'got the string "yes"; YAML reads yes/no/on/off as text here',
  ],
  ['complex mapping key', withLines('? [a, b]\n: c\n'), 7, 3, '', 'field names must be plain text'],
  ['empty string', withLines('  pin: ""\n'), 7, 8, 'image.pin', 'must not be empty'],
  [
    'empty list',
    withLines('cdn:\n  distributionId: E1\n  paths: []\n'),
    9,
    10,
    'cdn.paths',
    'must list at least 1 entry; remove the field to use the default',
  ],
  [
    'a huge file',
    withLines(`# ${'x'.repeat(300 * 1024)}\n`),
    1,
    1,
    '',
    'more than the 262144 a service config may have',
  ],
  [
    'CRLF line endings and a byte order mark keep positions right',
    `\ufeff${withLines('  pin: 1.10\n')}`.replaceAll('\n', '\r\n'),
    7,
    8,
    'image.pin',
    'quote it to keep it text: "1.10"',
  ],
];

describe('parseConfigFiles reports one error per problem at its exact place', () => {
  it.each(SINGLE_FILE_CASES)('%s', (_title, text, line, column, field, message) => {
    const errors = errorsOf([file(text)]);
    expect(errors).toEqual([
      { file: 'services/web.yaml', line, column, field, message: expect.stringContaining(message) },
    ]);
  });
});

describe('parseConfigFiles collects every error', () => {
  it('reports all problems of all files, sorted by file, line, column', () => {
    const errors = errorsOf([
      file('name: b\nimgae: x\ncluster: 1\n', 'services/b.yaml'),
      file('', 'services/a.yaml'),
    ]);
    expect(errors.map((e) => [e.file, e.line, e.column, e.field])).toEqual([
      ['services/a.yaml', 1, 1, ''],
      ['services/b.yaml', 1, 1, 'container'],
      ['services/b.yaml', 1, 1, 'service'],
      ['services/b.yaml', 2, 1, 'imgae'],
      ['services/b.yaml', 3, 10, 'cluster'],
    ]);
  });

  it('reports a bad name and a bad field of the same file in one pass', () => {
    const errors = errorsOf([
      file(MINIMAL.replace('name: web', 'name: api').replace('cluster: gitops', 'cluster: 7')),
    ]);
    expect(errors.map((e) => e.field)).toEqual(['name', 'cluster']);
  });
});

describe('parseConfigFiles cross-file rules', () => {
  const service = (name: string, cluster: string, svc: string) =>
    file(
      `name: ${name}\ncluster: ${cluster}\nservice: ${svc}\ncontainer: app\nimage:\n  repository: ${name}\n`,
      `services/${name}.yaml`,
    );

  it('rejects two configs with the same name (web.yaml and web.yml)', () => {
    const errors = errorsOf([
      file(MINIMAL, 'services/web.yaml'),
      file(MINIMAL.replace('service: web', 'service: web2'), 'services/web.yml'),
    ]);
    expect(errors).toEqual([
      {
        file: 'services/web.yml',
        line: 1,
        column: 7,
        field: 'name',
        message: 'duplicate service name `web`, already used by services/web.yaml:1',
      },
    ]);
  });

  it('rejects two configs targeting the same ECS service', () => {
    const errors = errorsOf([service('api', 'gitops', 'shared'), service('web', 'gitops', 'shared')]);
    expect(errors).toEqual([
      {
        file: 'services/web.yaml',
        line: 3,
        column: 10,
        field: 'service',
        message: expect.stringContaining(
          'ECS service `shared` in cluster `gitops` is already managed by services/api.yaml (name `api`)',
        ),
      },
    ]);
  });

  it('treats an ARN and a bare name as the same cluster and service', () => {
    const arn = 'arn:aws:ecs:eu-west-1:123456789012';
    const errors = errorsOf([
      service('api', `${arn}:cluster/gitops`, `${arn}:service/gitops/shared`),
      service('web', 'gitops', 'shared'),
    ]);
    expect(errors.map((e) => [e.file, e.field])).toEqual([['services/web.yaml', 'service']]);
  });

  it('allows the same service name in different clusters', () => {
    const result = parseConfigFiles([service('api', 'one', 'shared'), service('web', 'two', 'shared')], 'r');
    expect(result.ok).toBe(true);
  });
});

describe('parseConfigFiles valid configs', () => {
  it('fills in every default for a minimal file', () => {
    const result = parseConfigFiles([file(MINIMAL)], 'rev-9');
    expect(result).toEqual({
      ok: true,
      state: {
        revision: 'rev-9',
        services: [
          {
            name: 'web',
            cluster: 'gitops',
            service: 'web',
            container: 'app',
            image: { repository: 'web', track: { latest: true } },
            rollout: { timeoutSeconds: 900, rollback: true },
            suspended: false,
            source: { file: 'services/web.yaml' },
          },
        ],
      },
    });
  });

  it('a pin beside a track policy is valid: the pin wins and holds the policy (pinHoldsTrack)', () => {
    const result = parseConfigFiles(
      [
        file(
          withLines(
            `  pin: "web:1.0.0@${DIGEST}" # pinned after a failed rollout\n  track:\n    semver: "^1"\n`,
          ),
        ),
      ],
      'r',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.state.services[0]?.image).toEqual({
      repository: 'web',
      pin: DIGEST,
      track: { semver: '^1', prerelease: false },
      pinHoldsTrack: true,
    });
  });

  it('a pin alone holds nothing: no pinHoldsTrack', () => {
    const result = parseConfigFiles([file(withLines('  pin: "1.0.0"\n'))], 'r');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.state.services[0]?.image.pinHoldsTrack).toBeUndefined();
  });

  it('keeps given values and defaults the rest of verify and cdn', () => {
    const text = withLines(
      '  track:\n    semver: "^1.2.0"\nverify:\n  url: https://x.test/version\n  successes: 2\ncdn:\n  distributionId: E2EXAMPLE\nrollout:\n  rollback: false\nsuspended: true\n$schema: ../service.schema.json\n',
    );
    const result = parseConfigFiles([file(text)], 'r');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [config] = result.state.services;
    expect(config?.image.track).toEqual({ semver: '^1.2.0', prerelease: false });
    expect(config?.verify).toEqual({
      url: 'https://x.test/version',
      expectVersion: true,
      successes: 2,
      intervalSeconds: 2,
      timeoutSeconds: 120,
    });
    expect(config?.cdn).toEqual({ distributionId: 'E2EXAMPLE', paths: ['/*'] });
    expect(config?.rollout).toEqual({ timeoutSeconds: 900, rollback: false });
    expect(config?.suspended).toBe(true);
  });

  it.each([
    ['a tag', '"1.4.2"', '1.4.2'],
    ['a digest', `"${DIGEST}"`, DIGEST],
    ['a reference with tag in the repository', '"web:1.4.2"', '1.4.2'],
    ['a full URI with digest', `"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@${DIGEST}"`, DIGEST],
    [
      'an ECR URI with tag for a bare repository name',
      '"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:2.0"',
      '2.0',
    ],
  ])('normalises a pin given as %s to a tag or digest', (_what, pin, expected) => {
    const result = parseConfigFiles([file(withLines(`  pin: ${pin}\n`))], 'r');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.state.services[0]?.image.pin).toBe(expected);
  });

  it.each([
    [
      'semver with prerelease',
      '  track:\n    semver: ">=1.0.0-0 <2"\n    prerelease: true\n',
      { semver: '>=1.0.0-0 <2', prerelease: true },
    ],
    ['glob', '  track:\n    glob: "release-*"\n', { glob: 'release-*' }],
    ['regex', '  track:\n    regex: "^main-[0-9a-f]{7}$"\n', { regex: '^main-[0-9a-f]{7}$' }],
    ['latest', '  track:\n    latest: true\n', { latest: true }],
  ])('accepts a %s track', (_what, lines, track) => {
    const result = parseConfigFiles([file(withLines(lines))], 'r');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.state.services[0]?.image.track).toEqual(track);
  });

  it('accepts ARNs for cluster and service', () => {
    const arn = 'arn:aws:ecs:eu-west-1:123456789012';
    const text = MINIMAL.replace('cluster: gitops', `cluster: ${arn}:cluster/gitops`).replace(
      'service: web',
      `service: ${arn}:service/gitops/web`,
    );
    expect(parseConfigFiles([file(text)], 'r').ok).toBe(true);
  });

  it('ignores files outside services/ and non-YAML files, and sorts services by name', () => {
    const result = parseConfigFiles(
      [
        file(MINIMAL.replaceAll('web', 'zeta'), 'config/services/zeta.yml'),
        file(MINIMAL, 'config/services/web.yaml'),
        file('garbage: [', 'config/other.yaml'),
        file('garbage: [', 'config/services/README.md'),
        file('garbage: [', 'config/services/nested/deep.yaml'),
      ],
      'r',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.state.services.map((s) => [s.name, s.source.file])).toEqual([
      ['web', 'config/services/web.yaml'],
      ['zeta', 'config/services/zeta.yml'],
    ]);
  });

  it('reads Windows-style paths the same way', () => {
    const result = parseConfigFiles([file(MINIMAL, 'config\\services\\web.yaml')], 'r');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.state.services.map((s) => s.name)).toEqual(['web']);
  });

  it('returns an empty desired state for no files', () => {
    expect(parseConfigFiles([], 'r')).toEqual({ ok: true, state: { revision: 'r', services: [] } });
  });

  it('expands aliases but refuses an alias bomb', () => {
    const aliases = withLines('rollout: &r\n  rollback: false\n');
    expect(parseConfigFiles([file(aliases)], 'r').ok).toBe(true);
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const errors = errorsOf([file(`${levels.join('\n')}\n`)]);
    expect(errors[0]?.message).toContain('cannot read the YAML');
  });
});
