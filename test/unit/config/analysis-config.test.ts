// `rollout.analysis` in a service file: defaults filled in, the load balancer turned into its metric
// dimension, and every rule reported at its file:line with what to fix.
import { describe, expect, it } from 'vitest';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';
import type { ConfigError } from '../../../deployer/domain/types.ts';

const MINIMAL =
  'name: web\ncluster: gitops\nservice: web\ncontainer: app\nimage:\n  repository: web\nverify:\n  url: https://example.com/version\n';
const CANARY = 'rollout:\n  strategy: canary\n  analysis:\n';
const parse = (extra: string, base = MINIMAL, stackValues?: Record<string, string>) =>
  parseConfigFiles([{ path: 'services/web.yaml', text: base + extra }], 'rev-1', stackValues);

function analysis(extra: string, stackValues?: Record<string, string>) {
  const result = parse(extra, MINIMAL, stackValues);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.state.services[0]?.rollout.analysis;
}

function errors(extra: string, base = MINIMAL): ConfigError[] {
  const result = parse(extra, base);
  if (result.ok) throw new Error('expected an error');
  return result.errors;
}

describe('rollout.analysis in config', () => {
  it('parseConfigFiles fills the defaults (10 s between reads, 50 requests, 5 s timeout)', () => {
    expect(
      analysis(
        `${CANARY}    alarms: [web-5xx]\n    errorRate: { loadBalancer: app/web/50dc6c495c0c9188, maxPercent: 5 }\n    http: { url: https://checks.example.com/web }\n`,
      ),
    ).toEqual({
      intervalSeconds: 10,
      alarms: ['web-5xx'],
      errorRate: { loadBalancer: 'app/web/50dc6c495c0c9188', maxPercent: 5, minRequests: 50 },
      http: { url: 'https://checks.example.com/web', timeoutSeconds: 5 },
    });
  });

  it('parseConfigFiles turns a load balancer ARN or a stack value into the metric dimension', () => {
    expect(
      analysis(
        `${CANARY}    errorRate:\n      loadBalancer: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188\n      maxPercent: 1\n`,
      )?.errorRate?.loadBalancer,
    ).toBe('app/web/50dc6c495c0c9188');
    expect(
      analysis(
        `${CANARY}    errorRate: { loadBalancer: "\${stack:LoadBalancerFullName}", maxPercent: 1 }\n`,
        {
          LoadBalancerFullName: 'app/gitops/0123456789abcdef',
        },
      )?.errorRate?.loadBalancer,
    ).toBe('app/gitops/0123456789abcdef');
  });

  it.each([
    [
      'no source',
      `${CANARY}    intervalSeconds: 5\n`,
      { line: 11, field: 'rollout.analysis', message: 'at least one source' },
    ],
    [
      'a network load balancer',
      `${CANARY}    errorRate: { loadBalancer: net/web/1, maxPercent: 5 }\n`,
      { line: 12, field: 'rollout.analysis.errorRate.loadBalancer', message: 'Application Load Balancer' },
    ],
    [
      'a percentage above 100',
      `${CANARY}    errorRate: { loadBalancer: app/web/1, maxPercent: 150 }\n`,
      { line: 12, field: 'rollout.analysis.errorRate.maxPercent', message: '<= 100' },
    ],
    [
      'an error rate without its threshold',
      `${CANARY}    errorRate: { loadBalancer: app/web/1 }\n`,
      { line: 12, field: 'rollout.analysis.errorRate.maxPercent', message: 'maxPercent' },
    ],
    [
      'an analysis URL that is not http',
      `${CANARY}    http: { url: ftp://checks/web }\n`,
      { line: 12, field: 'rollout.analysis.http.url', message: 'http:// or https://' },
    ],
    [
      'a misspelt source',
      `${CANARY}    alarm: [web-5xx]\n`,
      { line: 12, field: 'rollout.analysis.alarm', message: 'alarms' },
    ],
  ])('parseConfigFiles refuses %s at its line, saying what to fix', (_what, extra, expected) => {
    const found = errors(extra);
    expect(found.map((error) => error.field)).toContain(expected.field);
    const error = found.find((candidate) => candidate.field === expected.field) as ConfigError;
    expect(error.line).toBe(expected.line);
    expect(error.message).toContain(expected.message);
  });

  it('parseConfigFiles refuses analysis on a rolling update, pointing to rollout.alarms', () => {
    const [error] = errors('rollout:\n  strategy: rolling\n  analysis:\n    alarms: [web-5xx]\n');
    expect(error).toMatchObject({ line: 11, field: 'rollout.analysis' });
    expect(error?.message).toContain('blue-green, canary or linear, not rolling');
    expect(error?.message).toContain('rollout.alarms');
  });

  it('parseConfigFiles refuses analysis without verify: the gate looks at every verify interval', () => {
    const base = 'name: web\ncluster: gitops\nservice: web\ncontainer: app\nimage:\n  repository: web\n';
    const [error] = errors(`${CANARY}    alarms: [web-5xx]\n`, base);
    expect(error).toMatchObject({ line: 9, field: 'rollout.analysis' });
    expect(error?.message).toContain('add `verify: { url: ... }`');
  });
});
