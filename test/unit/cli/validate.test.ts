import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatError, formatGithubAnnotation } from '../../../deployer/cli/commands/validate.ts';
import { runCliInProcess } from '../../support/cli-in-process.ts';

const ROOT = path.join(import.meta.dirname, '../../..');
const temp = mkdtempSync(path.join(tmpdir(), 'validate-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The CLI's dispatch in-process: exit code and streams as the entry would print them (the spawned
 * entry itself: test/integration/cli/entry.test.ts). */
const inProcess = (args: string[], cwd = ROOT) => runCliInProcess(args, { cwd });

describe('ecs-gitops validate', () => {
  it('validate on the repository config prints ok with the content revision and exits 0, noting the placeholders were checked for syntax only', async () => {
    const { code, stdout, stderr } = await inProcess(['validate']);
    expect({ code, stderr }).toEqual({
      code: 0,
      stderr:
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the note names the config's own placeholder syntax
        'note: ${stack:Name} placeholders were checked for syntax only; pass --stack-values file.json or set STACK_VALUES to resolve them\n',
    });
    expect(stdout).toMatch(/^ok: 1 service valid at sha256:[0-9a-f]{64}\n$/);
  });

  it('validate --stack-values resolves the repository config quietly, and an unknown name is a file:line error', async () => {
    const values = path.join(temp, 'stack-values.json');
    writeFileSync(
      values,
      JSON.stringify({ CloudFrontUrl: 'https://d111111abcdef8.cloudfront.net', DistributionId: 'E2EXAMPLE' }),
    );
    const resolved = await inProcess(['validate', '--stack-values', values]);
    expect({ code: resolved.code, stderr: resolved.stderr }).toEqual({ code: 0, stderr: '' });
    expect(resolved.stdout).toMatch(/^ok: 1 service valid at sha256:/);

    writeFileSync(values, JSON.stringify({ CloudFrontUrl: 'https://d111111abcdef8.cloudfront.net' }));
    const missing = await inProcess(['validate', '--stack-values', values]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^config\/services\/actors\.yaml:\d+:\d+ .*DistributionId/m);
  });

  it('validate <valid fixture> counts the services and ignores non-YAML files', async () => {
    const { code, stdout } = await inProcess(['validate', 'test/fixtures/config/valid']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ok: 2 services valid at sha256:/);
  });

  it('validate <invalid fixture> prints file:line:col field: message per error and exits 1', async () => {
    const { code, stdout, stderr } = await inProcess(['validate', 'test/fixtures/config/invalid']);
    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'test/fixtures/config/invalid/services/actors.yaml:5:1 imgae: unknown field `imgae`; did you mean `image`?',
      'test/fixtures/config/invalid/services/web.yaml:3:10 service: ECS service `actors` in cluster `gitops` is already managed by test/fixtures/config/invalid/services/actors.yaml (name `actors`); two configs would fight over it, keep one',
      'test/fixtures/config/invalid/services/web.yaml:7:8 image.pin: malformed digest: expected `sha256:` followed by 64 lowercase hex characters, got 4 characters after `sha256:`',
    ]);
    expect(stderr).toBe(
      'invalid: 3 errors in 2 files; a deployer reading this revision keeps running the last valid one\n',
    );
  });

  it('prints paths relative to the working directory', async () => {
    const { code, stdout } = await inProcess(
      ['validate', 'invalid'],
      path.join(ROOT, 'test/fixtures/config'),
    );
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toMatch(/^invalid\/services\/actors\.yaml:5:1 imgae: /);
  });

  it('--format github prints workflow annotations', async () => {
    const { code, stdout } = await inProcess([
      'validate',
      'test/fixtures/config/invalid',
      '--format',
      'github',
    ]);
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toBe(
      '::error file=test/fixtures/config/invalid/services/actors.yaml,line=5,col=1,title=imgae::unknown field `imgae`; did you mean `image`?',
    );
  });

  it('--format json prints the load result', async () => {
    const { code, stdout } = await inProcess(['validate', 'test/fixtures/config/valid', '--format=json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout);
    expect(parsed.ok).toBe(true);
    expect(parsed.state.services.map((s: { source: { file: string } }) => s.source.file)).toEqual([
      'test/fixtures/config/valid/services/actors.yaml',
      'test/fixtures/config/valid/services/web.yml',
    ]);
  });

  it('a missing directory exits 1 and says what to create', async () => {
    const dir = path.join(temp, 'missing');
    const { code, stdout } = await inProcess(['validate', dir]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${dir}:1:1: config directory ${dir} does not exist`);
  });

  it('an empty services directory is valid with a note on stderr', async () => {
    const dir = path.join(temp, 'empty');
    mkdirSync(path.join(dir, 'services'), { recursive: true });
    const { code, stdout, stderr } = await inProcess(['validate', dir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ok: 0 services valid at sha256:/);
    expect(stderr).toContain('note: no service configs in');
  });

  it('a YAML syntax error exits 1 with its position', async () => {
    const dir = path.join(temp, 'broken');
    mkdirSync(path.join(dir, 'services'), { recursive: true });
    writeFileSync(path.join(dir, 'services/api.yaml'), 'name: api\nimage: {\n');
    const { code, stdout } = await inProcess(['validate', dir]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/services\/api\.yaml:3:1: YAML syntax: /);
  });

  it.each([
    [['validate', 'a', 'b'], 'expected at most one directory, got 2'],
    [['validate', '--bogus'], 'unknown option --bogus (options: --format, --stack-values, --help)'],
    [['validate', '--formt', 'json'], 'unknown option --formt; did you mean --format?'],
    [['validate', '--format'], '--format needs a value: --format text|github|json'],
    [['validate', '--format', 'xml'], 'unknown --format "xml"; use one of text, github, json'],
  ])('usage error %j exits 64 with the verb usage on stderr', async (args, message) => {
    const { code, stdout, stderr } = await inProcess(args);
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: ecs-gitops validate [dir]');
  });
});

describe('validate output formats', () => {
  const error = {
    file: 'config/services/a.yaml',
    line: 3,
    column: 5,
    field: 'image.pin',
    message: 'bad, really: 100%',
  };

  it('formatError puts the field before the message, or nothing for whole-file problems', async () => {
    expect(formatError(error)).toBe('config/services/a.yaml:3:5 image.pin: bad, really: 100%');
    expect(formatError({ ...error, field: '' })).toBe('config/services/a.yaml:3:5: bad, really: 100%');
  });

  it('formatGithubAnnotation escapes the workflow command syntax', async () => {
    expect(formatGithubAnnotation({ ...error, file: 'a,b:c.yaml', message: 'x\ny 100%' })).toBe(
      '::error file=a%2Cb%3Ac.yaml,line=3,col=5,title=image.pin::x%0Ay 100%25',
    );
  });
});
