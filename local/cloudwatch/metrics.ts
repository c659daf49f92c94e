// CloudWatch metric data for the local world: what the local load balancer publishes per target group
// (as an ALB publishes RequestCount and HTTPCode_Target_5XX_Count in AWS/ApplicationELB) and what
// PutMetricData adds, answered by GetMetricData (server.ts). A metric is its namespace, name and exact
// dimension set ("a unique combination of a name, namespace and zero or more dimensions",
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html). Data is kept
// per second (sum, count, min, max): enough for every statistic GetMetricData's Stat names here.

export interface Dimension {
  Name: string;
  Value: string;
}

interface Aggregate {
  sum: number;
  count: number;
  min: number;
  max: number;
}

export type Statistic = 'Sum' | 'SampleCount' | 'Average' | 'Minimum' | 'Maximum';
export const STATISTICS: readonly Statistic[] = ['Sum', 'SampleCount', 'Average', 'Minimum', 'Maximum'];

/** One metric's key: namespace, name and the dimensions in name order. */
export function metricKey(namespace: string, name: string, dimensions: readonly Dimension[]): string {
  const sorted = [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return JSON.stringify([namespace, name, sorted.map((d) => [d.Name, d.Value])]);
}

function statistic(aggregate: Aggregate, stat: Statistic): number {
  switch (stat) {
    case 'Sum':
      return aggregate.sum;
    case 'SampleCount':
      return aggregate.count;
    case 'Average':
      return aggregate.sum / aggregate.count;
    case 'Minimum':
      return aggregate.min;
    case 'Maximum':
      return aggregate.max;
  }
}

export class MetricStore {
  readonly #series = new Map<string, Map<number, Aggregate>>();

  /** Adds `count` samples of `value` at `at` (ELB-style counters add 1 per request). */
  add(
    namespace: string,
    name: string,
    dimensions: readonly Dimension[],
    value: number,
    at: Date,
    count = 1,
  ): void {
    const key = metricKey(namespace, name, dimensions);
    const series = this.#series.get(key) ?? new Map<number, Aggregate>();
    const second = Math.floor(at.getTime() / 1000);
    const aggregate = series.get(second);
    if (aggregate) {
      aggregate.sum += value * count;
      aggregate.count += count;
      aggregate.min = Math.min(aggregate.min, value);
      aggregate.max = Math.max(aggregate.max, value);
    } else series.set(second, { sum: value * count, count, min: value, max: value });
    this.#series.set(key, series);
  }

  /**
   * Data points of one metric, one per `periodSeconds` bucket that has data, buckets counted from `start`
   * (already rounded by the caller), `end` exclusive; newest first (ScanBy's default TimestampDescending).
   */
  query(
    key: string,
    window: { start: Date; end: Date },
    periodSeconds: number,
    stat: Statistic,
  ): { timestamps: number[]; values: number[] } {
    const series = this.#series.get(key);
    const buckets = new Map<number, Aggregate>();
    const start = Math.floor(window.start.getTime() / 1000);
    const end = window.end.getTime() / 1000;
    for (const [second, aggregate] of series ?? []) {
      if (second < start || second >= end) continue;
      const bucket = start + Math.floor((second - start) / periodSeconds) * periodSeconds;
      const into = buckets.get(bucket);
      if (into) {
        into.sum += aggregate.sum;
        into.count += aggregate.count;
        into.min = Math.min(into.min, aggregate.min);
        into.max = Math.max(into.max, aggregate.max);
      } else buckets.set(bucket, { ...aggregate });
    }
    const ordered = [...buckets].sort((a, b) => b[0] - a[0]);
    return {
      timestamps: ordered.map(([bucket]) => bucket),
      values: ordered.map(([, aggregate]) => statistic(aggregate, stat)),
    };
  }
}
