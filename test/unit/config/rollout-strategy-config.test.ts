// `rollout.strategy` in a service file: ECS's defaults filled in, and every rule ECS would refuse at
// UpdateService (ranges, steps of 0.1, settings of another strategy, blue/green's required bake time)
// reported at its file:line with what to write instead.
import { describe, expect, it } from 'vitest';
import { parseConfigFiles } from '../../../deployer/domain/config/parse-config-files.ts';
import type { ConfigError } from '../../../deployer/domain/types.ts';

const MINIMAL = 'name: web\ncluster: gitops\nservice: web\ncontainer: app\nimage:\n  repository: web\n';
const parse = (extra: string) =>
  parseConfigFiles([{ path: 'services/web.yaml', text: MINIMAL + extra }], 'rev-1');

function settings(extra: string) {
  const result = parse(extra);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.state.services[0]?.rollout;
}

function onlyError(extra: string): ConfigError {
  const result = parse(extra);
  if (result.ok) throw new Error('expected an error');
  expect(result.errors, JSON.stringify(result.errors)).toHaveLength(1);
  return result.errors[0] as ConfigError;
}

describe('rollout.strategy in config', () => {
  it('parseConfigFiles leaves the strategy out when the file names none', () => {
    expect(settings('rollout:\n  timeoutSeconds: 600\n')).toEqual({ timeoutSeconds: 600, rollback: true });
  });

  it("parseConfigFiles fills a canary's percent and bake with ECS's defaults (5 %, 10 minutes)", () => {
    expect(settings('rollout:\n  strategy: canary\n')?.strategy).toEqual({
      strategy: 'canary',
      canary: { percent: 5, bakeMinutes: 10 },
    });
  });

  it("parseConfigFiles fills a linear rollout's step with ECS's defaults (10 %, 6 minutes)", () => {
    expect(settings('rollout:\n  strategy: linear\n  timeoutSeconds: 4000\n')?.strategy).toEqual({
      strategy: 'linear',
      linear: { stepPercent: 10, stepBakeMinutes: 6 },
    });
  });

  it('parseConfigFiles reads every field of a blue-green rollout with a test header', () => {
    const rollout = settings(
      'rollout:\n  strategy: blue-green\n  bakeMinutes: 5\n  alarms: [web-5xx, web-latency]\n  testTraffic:\n    header: { name: x-test-traffic, value: "1" }\n',
    );
    expect(rollout?.strategy).toEqual({
      strategy: 'blue-green',
      bakeMinutes: 5,
      alarms: ['web-5xx', 'web-latency'],
      testTraffic: { header: { name: 'x-test-traffic', value: '1' } },
    });
  });

  it('parseConfigFiles takes percentages in steps of 0.1 that binary floating point cannot hold exactly', () => {
    expect(
      settings('rollout:\n  strategy: canary\n  canary: { percent: 0.3, bakeMinutes: 1 }\n')?.strategy,
    ).toMatchObject({ canary: { percent: 0.3, bakeMinutes: 1 } });
  });

  it.each([
    [
      'an unknown strategy',
      'rollout:\n  strategy: bluegreen\n',
      {
        line: 8,
        field: 'rollout.strategy',
        message: 'must be one of `rolling`, `blue-green`, `linear`, `canary`',
      },
    ],
    [
      'a canary percent below 0.1',
      'rollout:\n  strategy: canary\n  canary: { percent: 0.05 }\n',
      { line: 9, field: 'rollout.canary.percent', message: '>= 0.1' },
    ],
    [
      'a canary percent off the 0.1 grid',
      'rollout:\n  strategy: canary\n  canary: { percent: 2.55 }\n',
      { line: 9, field: 'rollout.canary.percent', message: 'multiple of 0.1' },
    ],
    [
      'a linear step below 3 %',
      'rollout:\n  strategy: linear\n  timeoutSeconds: 9000\n  linear: { stepPercent: 2 }\n',
      { line: 10, field: 'rollout.linear.stepPercent', message: '>= 3' },
    ],
    [
      'a bake time over 24 hours',
      'rollout:\n  strategy: blue-green\n  bakeMinutes: 1441\n',
      { line: 9, field: 'rollout.bakeMinutes', message: '<= 1440' },
    ],
    [
      'blue-green without a bake time',
      'rollout:\n  strategy: blue-green\n',
      { line: 8, field: 'rollout.strategy', message: 'blue-green needs `bakeMinutes`' },
    ],
    [
      'canary settings under strategy linear',
      'rollout:\n  strategy: linear\n  timeoutSeconds: 9000\n  canary: { percent: 5 }\n',
      { line: 10, field: 'rollout.canary', message: 'apply to strategy canary only' },
    ],
    [
      'a bake time with a rolling update',
      'rollout:\n  strategy: rolling\n  bakeMinutes: 5\n',
      { line: 9, field: 'rollout.bakeMinutes', message: 'a rolling update has no second revision' },
    ],
    [
      'test traffic with a rolling update',
      'rollout:\n  strategy: rolling\n  testTraffic: { header: { name: x-test, value: "1" } }\n',
      { line: 9, field: 'rollout.testTraffic', message: 'needs a test listener' },
    ],
    [
      'strategy settings without a strategy',
      'rollout:\n  alarms: [web-5xx]\n',
      { line: 8, field: 'rollout.alarms', message: 'needs `rollout.strategy`' },
    ],
    [
      'both a header and a listener rule',
      'rollout:\n  strategy: canary\n  testTraffic:\n    header: { name: x-test, value: "1" }\n    listenerRule: arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/a/b/c/d\n',
      { line: 9, field: 'rollout.testTraffic', message: 'exactly one of' },
    ],
    [
      'the host header',
      'rollout:\n  strategy: canary\n  testTraffic: { header: { name: Host, value: test } }\n',
      { line: 9, field: 'rollout.testTraffic.header.name', message: 'cannot match `host`' },
    ],
    [
      'a header name longer than an ALB condition takes',
      `rollout:\n  strategy: canary\n  testTraffic: { header: { name: ${'x'.repeat(41)}, value: "1" } }\n`,
      { line: 9, field: 'rollout.testTraffic.header.name', message: 'up to 40 characters' },
    ],
    [
      'an alarm name with a comma',
      'rollout:\n  strategy: canary\n  alarms: ["a,b"]\n',
      { line: 9, field: 'rollout.alarms.0', message: 'separator' },
    ],
    [
      'an empty alarm list',
      'rollout:\n  strategy: canary\n  alarms: []\n',
      { line: 9, field: 'rollout.alarms', message: 'at least 1 entry' },
    ],
    [
      'a timeout shorter than the linear bakes',
      'rollout:\n  strategy: linear\n  timeoutSeconds: 600\n',
      { line: 9, field: 'rollout.timeoutSeconds', message: 'waits 54 minutes' },
    ],
    [
      'the default timeout shorter than a long canary bake',
      'rollout:\n  strategy: canary\n  canary: { bakeMinutes: 30 }\n',
      { line: 7, field: 'rollout.timeoutSeconds', message: '900s (the default)' },
    ],
  ])('parseConfigFiles reports %s at its line', (_title, extra, expected) => {
    const error = onlyError(extra);
    expect(error.file).toBe('services/web.yaml');
    expect({ line: error.line, field: error.field }).toEqual({ line: expected.line, field: expected.field });
    expect(error.message).toContain(expected.message);
  });

  it('parseConfigFiles suggests the field name a typo in a canary block meant', () => {
    const error = onlyError('rollout:\n  strategy: canary\n  canary: { percnt: 10 }\n');
    expect(error.message).toContain('percent');
  });
});
