// MetricsPort and AnalysisProbe in memory, held to the MetricsPort contract (test/contract/
// metrics.contract.test.ts): alarms answer only the names that exist (DescribeAlarms leaves the others
// out); target group counts sum the data points of exactly that load balancer and target group within
// [start rounded down to the minute, end), as GetMetricData does for an ALB's RequestCount and
// HTTPCode_Target_5XX_Count.
import type { AlarmReading, AlarmStateValue, TargetGroupCounts } from '../../../deployer/domain/analysis.ts';
import type { AnalysisProbe, MetricsPort } from '../../../deployer/ports.ts';
import { CallCounter } from './call-counter.ts';

interface DataPoint {
  loadBalancer: string;
  targetGroupArn: string;
  at: number;
  requests: number;
  errors: number;
}

export class FakeMetrics implements MetricsPort {
  readonly counter: CallCounter;
  readonly #alarms = new Map<string, AlarmReading>();
  readonly #points: DataPoint[] = [];
  /** Thrown by the next call (a throttled or unreachable CloudWatch), then cleared. */
  failNext: Error | undefined;

  constructor(options: { counter?: CallCounter } = {}) {
    this.counter = options.counter ?? new CallCounter();
  }

  /** PutMetricAlarm: a new alarm is INSUFFICIENT_DATA. */
  createAlarm(name: string): void {
    this.#alarms.set(name, { name, state: 'INSUFFICIENT_DATA' });
  }

  /** SetAlarmState (creating the alarm, as the local world's shortcut does). */
  setAlarm(name: string, state: AlarmStateValue, reason?: string): void {
    this.#alarms.set(name, { name, state, ...(reason ? { reason } : {}) });
  }

  /** What the load balancer reports for one target group at `at`. */
  record(loadBalancer: string, targetGroupArn: string, at: Date, requests: number, errors: number): void {
    this.#points.push({ loadBalancer, targetGroupArn, at: at.getTime(), requests, errors });
  }

  async alarms(names: readonly string[], _signal?: AbortSignal): Promise<AlarmReading[]> {
    this.counter.record('cloudwatch:DescribeAlarms');
    this.#throwIfFailing();
    return names.flatMap((name) => {
      const alarm = this.#alarms.get(name);
      return alarm ? [{ ...alarm }] : [];
    });
  }

  async targetGroupCounts(
    loadBalancer: string,
    targetGroupArns: readonly string[],
    window: { start: Date; end: Date },
    _signal?: AbortSignal,
  ): Promise<Record<string, TargetGroupCounts>> {
    this.counter.record('cloudwatch:GetMetricData');
    this.#throwIfFailing();
    if (window.start.getTime() >= window.end.getTime())
      throw new Error('ValidationException: StartTime must be before EndTime');
    const start = Math.floor(window.start.getTime() / 60_000) * 60_000;
    return Object.fromEntries(
      targetGroupArns.map((arn) => {
        const counts = { requests: 0, errors: 0 };
        for (const point of this.#points)
          if (
            point.loadBalancer === loadBalancer &&
            point.targetGroupArn === arn &&
            point.at >= start &&
            point.at < window.end.getTime()
          ) {
            counts.requests += point.requests;
            counts.errors += point.errors;
          }
        return [arn, counts];
      }),
    );
  }

  #throwIfFailing(): void {
    const error = this.failNext;
    this.failNext = undefined;
    if (error) throw error;
  }
}

/** The analysis URL in memory: answers what `answer` says, and records every call. */
export class FakeAnalysisProbe implements AnalysisProbe {
  readonly urls: string[] = [];
  answer: () => { status: number; text: string } = () => ({ status: 200, text: 'ok' });

  async get(
    url: string,
    _timeoutMs: number,
    _signal?: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    this.urls.push(url);
    return this.answer();
  }
}
