// runtime/rollout/analysis.ts over the fakes: when the sources are read, which target group's error rate
// is judged, and when a source that cannot be read fails the analysis.
import { describe, expect, it } from 'vitest';
import type { AnalysisSettings } from '../../../deployer/domain/analysis.ts';
import { rolloutAnalysis } from '../../../deployer/runtime/rollout/analysis.ts';
import {
  actorsServiceConfig,
  FakeAnalysisProbe,
  FakeClock,
  FakeEcs,
  FakeMetrics,
} from '../../support/fakes/index.ts';
import { fakeRolloutContext } from '../../support/rollout-context.ts';

const LB = 'app/actors/50dc6c495c0c9188';
const BLUE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/actors-blue/0000000000000001';
const GREEN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/actors-green/0000000000000002';
const signal = new AbortController().signal;
/** runtime/rollout/analysis.ts READ_FAILURES_TO_FAIL (as docs/config.md states it). */
const READ_FAILURES_TO_FAIL = 3;

function setup(analysis: Omit<AnalysisSettings, 'intervalSeconds'> & { intervalSeconds?: number }) {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:30Z'));
  const ecs = new FakeEcs(clock);
  ecs.seed({
    service: 'actors',
    image: 'actors:1',
    loadBalancers: [{ targetGroupArn: BLUE, alternateTargetGroupArn: GREEN }],
  });
  const metrics = new FakeMetrics();
  const probe = new FakeAnalysisProbe();
  const ctx = fakeRolloutContext(ecs, clock, {
    service: actorsServiceConfig({
      rollout: { timeoutSeconds: 900, rollback: true, analysis: { intervalSeconds: 10, ...analysis } },
    }),
    analysis: { metrics, probe },
  });
  const subject = rolloutAnalysis(ctx);
  if (!subject) throw new Error('no analysis');
  return { clock, metrics, probe, analysis: subject };
}

describe('rolloutAnalysis', () => {
  it('is undefined for a service without rollout.analysis', () => {
    const clock = new FakeClock();
    expect(
      rolloutAnalysis(fakeRolloutContext(new FakeEcs(clock), clock, { service: actorsServiceConfig() })),
    ).toBe(undefined);
  });

  it('check reads the sources at the first look, then at most every intervalSeconds', async () => {
    const { clock, metrics, analysis } = setup({ alarms: ['a'] });
    metrics.setAlarm('a', 'OK');
    await analysis.check(signal);
    clock.advance(4_000);
    await analysis.check(signal);
    expect(metrics.counter.count('cloudwatch:DescribeAlarms')).toBe(1);
    clock.advance(6_000);
    await analysis.check(signal);
    expect(metrics.counter.count('cloudwatch:DescribeAlarms')).toBe(2);
    expect(analysis.readings()).toEqual([{ source: 'alarms', reading: 'a OK' }]);
  });

  it('check fails once an alarm goes to ALARM, and stays failed without reading again', async () => {
    const { clock, metrics, analysis } = setup({ alarms: ['a'] });
    metrics.setAlarm('a', 'OK');
    expect(await analysis.check(signal)).toBeUndefined();
    metrics.setAlarm('a', 'ALARM', 'Threshold Crossed');
    clock.advance(10_000);
    const failure = 'analysis failed: alarm a in ALARM (Threshold Crossed)';
    expect(await analysis.check(signal)).toBe(failure);
    clock.advance(10_000);
    expect(await analysis.check(signal)).toBe(failure);
    expect(metrics.counter.count('cloudwatch:DescribeAlarms')).toBe(2);
  });

  it("check judges the error rate of the target group that was idle before the shift (the new revision's)", async () => {
    const { clock, metrics, analysis } = setup({
      errorRate: { loadBalancer: LB, maxPercent: 5, minRequests: 20 },
    });
    const before = new Date(clock.now().getTime() - 120_000);
    metrics.record(LB, BLUE, before, 500, 0);
    expect(await analysis.check(signal)).toBeUndefined();
    // After the shift: the old revision fails a lot (not this rollout's fault), the new one a little.
    metrics.record(LB, BLUE, new Date(clock.now().getTime() + 1_000), 400, 200);
    metrics.record(LB, GREEN, new Date(clock.now().getTime() + 1_000), 100, 2);
    clock.advance(10_000);
    expect(await analysis.check(signal)).toBeUndefined();
    expect(analysis.readings()).toEqual([
      { source: 'error rate', reading: 'error rate 2 % over 100 requests on target group actors-green' },
    ]);
    metrics.record(LB, GREEN, new Date(clock.now().getTime() + 1_000), 100, 20);
    clock.advance(10_000);
    expect(await analysis.check(signal)).toBe(
      'analysis failed: error rate 11 % > 5 % over 200 requests on target group actors-green',
    );
  });

  it(`check passes a source that could not be read ${READ_FAILURES_TO_FAIL - 1} times in a row, and fails at the next`, async () => {
    const { clock, metrics, analysis } = setup({ alarms: ['a'] });
    metrics.setAlarm('a', 'OK');
    for (let look = 1; look < READ_FAILURES_TO_FAIL; look++) {
      metrics.failNext = new Error('cloudwatch:DescribeAlarms failed: ThrottlingException');
      expect(await analysis.check(signal)).toBeUndefined();
      clock.advance(10_000);
    }
    expect(await analysis.check(signal)).toBeUndefined(); // a good read resets the count
    for (let look = 1; look <= READ_FAILURES_TO_FAIL; look++) {
      clock.advance(10_000);
      metrics.failNext = new Error('cloudwatch:DescribeAlarms failed: ThrottlingException');
      const failure = await analysis.check(signal);
      if (look < READ_FAILURES_TO_FAIL) expect(failure).toBeUndefined();
      else
        expect(failure).toBe(
          `analysis failed: alarms unreadable ${READ_FAILURES_TO_FAIL} times in a row: cloudwatch:DescribeAlarms failed: ThrottlingException`,
        );
    }
  });

  it("check fails on the analysis URL's non-2xx answer, quoting its first line", async () => {
    const { probe, analysis } = setup({
      http: { url: 'https://checks.example.com/actors', timeoutSeconds: 5 },
    });
    probe.answer = () => ({ status: 503, text: 'error budget spent\nmore' });
    expect(await analysis.check(signal)).toBe(
      'analysis failed: analysis URL answered HTTP 503: error budget spent',
    );
    expect(probe.urls).toEqual(['https://checks.example.com/actors']);
  });
});
