import { describe, expect, it } from 'vitest';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';
import type { ConfigError, ServiceConfig } from '../../../deployer/domain/types.ts';

// Line numbers below count from this text: `environments:` is line 13.
const BASE = `name: web
cluster: gitops
service: web
container: app
image:
  repository: web
  track:
    semver: "^1.0.0"
verify:
  url: https://web.example.com/version
  successes: 2
rollout: { timeoutSeconds: 300 }
environments:
`;
const PIPELINE = `${BASE}  staging:
    cluster: staging
  production:
    cluster: production
    roleArn: arn:aws:iam::123456789012:role/deploy-production
    region: eu-west-1
    verify: { url: https://prod.example.com/version }
    promote: { from: staging, soakMinutes: 30 }
`;

function load(text: string) {
  return parseConfigFiles([{ path: 'services/web.yaml', text }], 'rev-1');
}
function servicesOf(text: string): ServiceConfig[] {
  const result = load(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return result.state.services;
}
function errorsOf(text: string): ConfigError[] {
  const result = load(text);
  if (result.ok)
    throw new Error(`expected errors, got ${result.state.services.map((s) => s.name).join(', ')}`);
  return result.errors;
}

describe('parseConfigFiles with environments', () => {
  it('makes one target per environment, each with the overrides merged over the top-level fields', () => {
    const [production, staging] = servicesOf(PIPELINE);
    expect(staging).toMatchObject({
      name: 'web@staging',
      cluster: 'staging',
      service: 'web',
      image: { repository: 'web', track: { semver: '^1.0.0' } },
      verify: { url: 'https://web.example.com/version', successes: 2 },
      rollout: { timeoutSeconds: 300 },
      environment: { name: 'staging', pipeline: 'web', stages: ['staging', 'production'] },
    });
    expect(staging?.environment?.promote).toBeUndefined();
    expect(production).toMatchObject({
      name: 'web@production',
      cluster: 'production',
      // verify merges one level deep: the url is overridden, successes inherited
      verify: { url: 'https://prod.example.com/version', successes: 2 },
      environment: {
        name: 'production',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::123456789012:role/deploy-production',
        promote: { from: 'web@staging', after: 'verified', soakMinutes: 30 },
      },
    });
  });

  it('leaves a file without environments as one target named after the file', () => {
    const services = servicesOf(BASE.replace('environments:\n', ''));
    expect(services.map((s) => [s.name, s.environment])).toEqual([['web', undefined]]);
  });

  it('lets an environment pin an image instead of being promoted', () => {
    const [production] = servicesOf(
      `${BASE}  staging: {}\n  production:\n    cluster: production\n    image: { pin: "1.2.3" }\n`,
    );
    expect(production?.image).toMatchObject({ pin: '1.2.3', repository: 'web' });
    expect(production?.environment?.promote).toBeUndefined();
  });

  type Case = [title: string, text: string, line: number, field: string, message: string];
  const CASES: Case[] = [
    [
      'promote from an unknown environment, with a suggestion',
      PIPELINE.replace('from: staging', 'from: stagin'),
      21,
      'environments.production.promote.from',
      'unknown environment `stagin`; did you mean `staging`? (environments in this file: `staging`, `production`)',
    ],
    [
      'promote on the first environment',
      `${BASE}  staging:\n    promote: { from: production }\n  production:\n    cluster: production\n    promote: { from: staging }\n`,
      15,
      'environments.staging.promote',
      '`staging` is the first environment: it starts the pipeline and follows image.track, so it cannot be promoted',
    ],
    [
      'a promotion cycle',
      `${BASE}  staging: {}\n  qa:\n    cluster: qa\n    promote: { from: production }\n  production:\n    cluster: production\n    promote: { from: qa }\n`,
      17,
      'environments.qa.promote.from',
      'promotion cycle qa → production → qa: no environment in it ever gets an image; promote one of them from `staging`',
    ],
    [
      'promote from itself',
      PIPELINE.replace('from: staging', 'from: production'),
      21,
      'environments.production.promote.from',
      '`production` cannot be promoted from itself',
    ],
    [
      'an environment that neither promotes nor pins',
      `${BASE}  staging: {}\n  production:\n    cluster: production\n`,
      15,
      'environments.production',
      'environment `production` gets no image: only the first environment (`staging`) follows image.track; add `promote: { from: staging }` or an `image.pin`',
    ],
    [
      'a malformed role ARN',
      PIPELINE.replace('arn:aws:iam::123456789012:role/deploy-production', 'arn:aws:iam::1234:user/bob'),
      18,
      'environments.production.roleArn',
      'must be an IAM role ARN, `arn:aws:iam::<12-digit account>:role/<name>`',
    ],
    [
      'a malformed region',
      PIPELINE.replace('eu-west-1', 'Europe'),
      19,
      'environments.production.region',
      'must be an AWS Region code such as `eu-west-1`',
    ],
    [
      'two environments on the same ECS service',
      PIPELINE.replace(
        'cluster: production\n    roleArn: arn:aws:iam::123456789012:role/deploy-production\n    region: eu-west-1\n',
        'cluster: staging\n',
      ),
      16,
      'environments.production',
      'environments `staging` and `production` both deploy ECS service `web` in cluster `staging`',
    ],
    [
      'an override that breaks a rule of the merged block says where',
      PIPELINE.replace(
        'verify: { url: https://prod.example.com/version }',
        'verify: { url: "https://u:p@prod.example.com/version" }',
      ),
      20,
      'environments.production.verify.url',
      'must not contain a user name or password',
    ],
    [
      'a cluster override is checked like the top-level field',
      PIPELINE.replace('cluster: production', 'cluster: "no spaces allowed"'),
      17,
      'environments.production.cluster',
      'must be an ECS cluster name',
    ],
    [
      'an environment name that is not a lowercase word',
      PIPELINE.replace('  production:', '  Production:').replace('from: staging', 'from: staging'),
      16,
      'environments.Production',
      'environment name `Production` must be a lowercase word',
    ],
    [
      'promote from an environment that verifies nothing',
      `${BASE.replace(/verify:\n.*\n.*\n/, '')}  staging: {}\n  production:\n    cluster: production\n    promote: { from: staging }\n`,
      14,
      'environments.production.promote.from',
      '`staging` has no `verify`, so no digest is ever verified there to promote',
    ],
  ];

  it.each(CASES)('reports %s at its line with what to fix', (_title, text, line, field, message) => {
    const errors = errorsOf(text);
    const found = errors.find((e) => e.field === field);
    expect(found, JSON.stringify(errors, null, 2)).toBeDefined();
    expect(found?.message).toContain(message);
    expect(found?.line).toBe(line);
  });

  it('refuses two files whose environments deploy the same ECS service', () => {
    const other = `name: api\ncluster: production\nservice: web\ncontainer: app\nimage:\n  repository: api\n`;
    const result = parseConfigFiles(
      [
        { path: 'services/web.yaml', text: PIPELINE },
        { path: 'services/api.yaml', text: other },
      ],
      'rev-1',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.file, e.field])).toEqual([['services/web.yaml', 'service']]);
    expect(result.errors[0]?.message).toContain('is already managed by services/api.yaml');
  });
});
