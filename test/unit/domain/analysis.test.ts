// domain/analysis.ts: what each analysis source's reading means, table-driven.
import { describe, expect, it } from 'vitest';
import {
  analysisFailure,
  judgeAlarms,
  judgeAnalysisAnswer,
  judgeErrorRate,
  loadBalancerDimension,
  newRevisionTargetGroup,
  targetGroupDimension,
  targetGroupName,
} from '../../../deployer/domain/analysis.ts';

const BLUE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/actors-blue/0123456789abcdef';
const GREEN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/actors-green/fedcba9876543210';

describe('judgeAlarms', () => {
  it('passes OK and INSUFFICIENT_DATA alarms and says what it read', () => {
    const verdict = judgeAlarms(
      ['a', 'b'],
      [
        { name: 'a', state: 'OK' },
        { name: 'b', state: 'INSUFFICIENT_DATA' },
      ],
    );
    expect(verdict).toEqual({ source: 'alarms', reading: 'a OK, b INSUFFICIENT_DATA' });
  });

  it('fails on an alarm in ALARM, naming it with its state reason', () => {
    const verdict = judgeAlarms(
      ['a', 'b'],
      [
        { name: 'a', state: 'OK' },
        { name: 'b', state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [12.0] > 5.0' },
      ],
    );
    expect(verdict.failure).toBe('alarm b in ALARM (Threshold Crossed: 1 datapoint [12.0] > 5.0)');
  });

  it('fails on an alarm CloudWatch does not know (DescribeAlarms leaves it out)', () => {
    expect(judgeAlarms(['a', 'typo'], [{ name: 'a', state: 'OK' }]).failure).toBe(
      'CloudWatch has no alarm named `typo` (check rollout.analysis.alarms and the region)',
    );
  });

  it('keeps control characters of a state reason out of the message and caps its length', () => {
    const verdict = judgeAlarms(
      ['a'],
      [{ name: 'a', state: 'ALARM', reason: `x\n\u001b[31m${'y'.repeat(400)}` }],
    );
    expect([...(verdict.failure ?? '')].filter((char) => char < ' ')).toEqual([]);
    expect(verdict.failure?.length).toBeLessThan(200);
  });
});

describe('judgeErrorRate', () => {
  const settings = { maxPercent: 5, minRequests: 50 };
  it.each([
    [{ requests: 240, errors: 29 }, 'error rate 12.1 % > 5 % over 240 requests on the canary'],
    [{ requests: 50, errors: 3 }, 'error rate 6 % > 5 % over 50 requests on the canary'],
  ])('fails %o above maxPercent once minRequests arrived', (counts, failure) => {
    expect(judgeErrorRate(counts, settings, 'the canary').failure).toBe(failure);
  });

  it('passes a rate at the limit', () => {
    expect(judgeErrorRate({ requests: 100, errors: 5 }, settings, 'tg')).toEqual({
      source: 'error rate',
      reading: 'error rate 5 % over 100 requests on tg',
    });
  });

  it('does not judge before minRequests, however bad the first answers', () => {
    const verdict = judgeErrorRate({ requests: 10, errors: 10 }, settings, 'tg');
    expect(verdict.failure).toBeUndefined();
    expect(verdict.reading).toBe('10 of 50 requests needed on tg (10 errors)');
  });
});

describe('newRevisionTargetGroup', () => {
  it('is the group that served nothing before the shift', () => {
    expect(
      newRevisionTargetGroup([BLUE, GREEN], {
        [BLUE]: { requests: 900, errors: 2 },
        [GREEN]: { requests: 0, errors: 0 },
      }),
    ).toBe(GREEN);
  });

  it('is the only group of a service with one', () => {
    expect(newRevisionTargetGroup([BLUE], {})).toBe(BLUE);
  });

  it('is undefined (judge all) when both were idle or both busy', () => {
    expect(newRevisionTargetGroup([BLUE, GREEN], {})).toBeUndefined();
    expect(
      newRevisionTargetGroup([BLUE, GREEN], {
        [BLUE]: { requests: 5, errors: 0 },
        [GREEN]: { requests: 5, errors: 0 },
      }),
    ).toBeUndefined();
  });
});

describe('metric dimensions', () => {
  it('targetGroupDimension is the ARN resource part; anything else is undefined', () => {
    expect(targetGroupDimension(GREEN)).toBe('targetgroup/actors-green/fedcba9876543210');
    expect(targetGroupDimension('local-target-group')).toBeUndefined();
    expect(targetGroupName(GREEN)).toBe('actors-green');
  });

  it('loadBalancerDimension takes app/<name>/<id> or a load balancer ARN', () => {
    expect(loadBalancerDimension('app/actors/50dc6c495c0c9188')).toBe('app/actors/50dc6c495c0c9188');
    expect(
      loadBalancerDimension(
        'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/actors/50dc6c495c0c9188',
      ),
    ).toBe('app/actors/50dc6c495c0c9188');
    expect(loadBalancerDimension('net/nlb/1')).toBeUndefined();
    expect(loadBalancerDimension(`\${stack:LoadBalancerFullName}`)).toBeUndefined();
  });
});

describe('judgeAnalysisAnswer', () => {
  it('passes any 2xx', () => {
    expect(judgeAnalysisAnswer('http://a/check', { status: 204, text: '' })).toEqual({
      source: 'analysis URL',
      reading: 'HTTP 204',
    });
  });

  it("fails anything else, quoting the body's first line", () => {
    expect(
      judgeAnalysisAnswer('http://a/check', { status: 500, text: 'p99 latency 840 ms > 300 ms\nmore detail' })
        .failure,
    ).toBe('analysis URL answered HTTP 500: p99 latency 840 ms > 300 ms');
    expect(judgeAnalysisAnswer('http://a/check', { status: 302, text: '' }).failure).toBe(
      'analysis URL answered HTTP 302',
    );
  });

  it('fails when the URL did not answer', () => {
    expect(
      judgeAnalysisAnswer('http://a/check', {
        error: 'probe of http://a/check failed: timed out after 5000 ms',
      }).failure,
    ).toBe(
      'analysis URL http://a/check did not answer: probe of http://a/check failed: timed out after 5000 ms',
    );
  });

  it('cuts a one-line megabyte body to a readable length', () => {
    const failure = judgeAnalysisAnswer('http://a', { status: 503, text: 'z'.repeat(1_000_000) }).failure;
    expect(failure?.length).toBeLessThan(200);
  });
});

describe('analysisFailure', () => {
  it('is the first failing source, prefixed; undefined when all pass', () => {
    expect(
      analysisFailure([
        { source: 'alarms', reading: 'a OK' },
        { source: 'error rate', reading: 'r', failure: 'error rate 9 % > 5 % over 60 requests on tg' },
      ]),
    ).toBe('analysis failed: error rate 9 % > 5 % over 60 requests on tg');
    expect(analysisFailure([{ source: 'alarms', reading: 'a OK' }])).toBeUndefined();
  });
});
