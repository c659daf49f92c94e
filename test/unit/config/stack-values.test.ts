import { describe, expect, it } from 'vitest';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';
import { parseStackValues } from '../../../deployer/domain/config/stack-values.ts';

const BASE = 'name: web\ncluster: gitops\nservice: web\ncontainer: app\nimage:\n  repository: web\n';
const WITH_PLACEHOLDERS = `${BASE}verify:\n  url: \${stack:CloudFrontUrl}/version\ncdn:\n  distributionId: "\${stack:DistributionId}"\n`;
const VALUES = { DistributionId: 'E2EXAMPLE', CloudFrontUrl: 'https://d1example.cloudfront.net' };
const parse = (text: string, values?: Record<string, string>) =>
  parseConfigFiles([{ path: 'services/web.yaml', text }], 'r', values);

describe('stack value placeholders', () => {
  it('are replaced by the stack values, leaving no placeholder in the config', () => {
    const result = parse(WITH_PLACEHOLDERS, VALUES);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [web] = result.state.services;
    expect(web?.verify?.url).toBe('https://d1example.cloudfront.net/version');
    expect(web?.cdn?.distributionId).toBe('E2EXAMPLE');
    expect(JSON.stringify(result.state)).not.toContain(`\${stack:`);
  });

  it('an unknown name is an error at its line and column, with a suggestion and the known names', () => {
    const text = `${BASE}cdn:\n  distributionId: \${stack:DistributionID}\n  paths: ["/x/\${stack:Nope}"]\n`;
    const result = parse(text, VALUES);
    if (result.ok) throw new Error('expected errors');
    expect(result.errors).toEqual([
      {
        file: 'services/web.yaml',
        line: 8,
        column: 19,
        field: 'cdn.distributionId',
        message:
          'unknown stack value `DistributionID`; did you mean `DistributionId`? (known names: `CloudFrontUrl`, `DistributionId`)',
      },
      expect.objectContaining({ line: 9, column: 15, field: 'cdn.paths.0' }),
    ]);
    expect(result.errors[1]?.message).toBe(
      'unknown stack value `Nope` (known names: `CloudFrontUrl`, `DistributionId`)',
    );
  });

  it('with no values set, an unknown name says where values come from', () => {
    const result = parse(WITH_PLACEHOLDERS, {});
    if (result.ok) throw new Error('expected errors');
    expect(result.errors.map((e) => [e.line, e.column, e.field])).toEqual([
      [8, 8, 'verify.url'],
      [10, 20, 'cdn.distributionId'],
    ]);
    expect(result.errors[0]?.message).toContain('no stack values are set (the stack sets STACK_VALUES');
  });

  it('without values only their syntax is checked, and a resolved value still meets the schema', () => {
    expect(parse(WITH_PLACEHOLDERS).ok).toBe(true);
    const broken = parse(`${BASE}cdn:\n  distributionId: \${stack:Distribution-Id}\n`);
    if (broken.ok) throw new Error('expected errors');
    expect(broken.errors[0]).toMatchObject({ line: 8, column: 19, field: 'cdn.distributionId' });
    expect(broken.errors[0]?.message).toContain('is not a valid placeholder');
    const unclosed = parse(`${BASE}verify:\n  url: \${stack:CloudFrontUrl/version\n`);
    expect(unclosed.ok ? [] : unclosed.errors.map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('has no closing `}`')]),
    );
    const wrong = parse(WITH_PLACEHOLDERS, { ...VALUES, DistributionId: 'not an id' });
    expect(wrong.ok ? [] : wrong.errors.map((e) => e.field)).toEqual(['cdn.distributionId']);
  });
});

describe('parseStackValues', () => {
  it('reads a JSON object of names to strings', () => {
    expect(parseStackValues(JSON.stringify(VALUES))).toEqual({ ok: true, values: VALUES });
  });

  it.each([
    ['{', 'STACK_VALUES is not valid JSON'],
    ['["E1"]', 'must be a JSON object'],
    ['{"Distribution-Id":"E1"}', 'is not a valid name'],
    ['{"DistributionId":""}', 'DistributionId must be a non-empty string'],
    ['{"DistributionId":1}', 'DistributionId must be a non-empty string'],
  ])('rejects %s, saying what is wrong', (json, message) => {
    const parsed = parseStackValues(json);
    expect(parsed.ok ? '' : parsed.message).toContain(message);
  });
});
