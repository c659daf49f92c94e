// Which target group takes a service's traffic: the production listener rule's weights (blue 100 %,
// canary 10/90, linear steps) and the test listener rule's one target group, as ECS sets them on the
// load balancer during a BLUE_GREEN, LINEAR or CANARY deployment
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html).
// The local load balancer reads them per request and counts what it served per target group.
import type { ServiceLoadBalancer } from './deployment-configuration.ts';
import type { LocalService, LocalTask } from './model.ts';

export interface ServiceTraffic {
  /** Target group ARN → percentage of production requests (the weights sum to 100). */
  production: Record<string, number>;
  /** Where a request carrying the test header goes (the test listener rule's target group). */
  testTargetGroupArn: string;
}

/** The target group of a service without load balancers (rolling only: its one stable URL). */
export const SERVICE_TARGET_GROUP = 'local-target-group';

export function initialTraffic(loadBalancers: ServiceLoadBalancer[]): ServiceTraffic {
  const primary = loadBalancers[0]?.targetGroupArn ?? SERVICE_TARGET_GROUP;
  return { production: { [primary]: 100 }, testTargetGroupArn: primary };
}

/** The target group that takes all production traffic now (the blue side). */
export function productionTargetGroup(service: LocalService): string {
  const entries = Object.entries(service.traffic.production).sort((a, b) => b[1] - a[1]);
  return entries[0]?.[0] ?? SERVICE_TARGET_GROUP;
}

/**
 * The target group a new deployment's tasks join: the production one for ROLLING; for a traffic shift
 * the other one of the pair (blue/green alternate each deployment, as ECS swaps the listener rule).
 */
export function greenTargetGroup(service: LocalService): string | undefined {
  const advanced = service.loadBalancers.find((lb) => lb.advancedConfiguration);
  if (!advanced?.advancedConfiguration) return undefined;
  const pair = [advanced.targetGroupArn, advanced.advancedConfiguration.alternateTargetGroupArn];
  const blue = productionTargetGroup(service);
  return pair.find((arn) => arn !== blue) ?? pair[1];
}

/** Production weights with `green` at `percent` and the rest on `blue`. */
export function shiftProduction(service: LocalService, blue: string, green: string, percent: number): void {
  const greenShare = Math.round(percent * 10) / 10;
  service.traffic.production =
    greenShare >= 100
      ? { [green]: 100 }
      : greenShare <= 0
        ? { [blue]: 100 }
        : { [blue]: 100 - greenShare, [green]: greenShare };
}

export function targetGroupOf(service: LocalService, task: LocalTask): string {
  return task.targetGroupArn ?? service.loadBalancers[0]?.targetGroupArn ?? SERVICE_TARGET_GROUP;
}

/**
 * Picks target groups in proportion to their weights, exactly: each request adds every group's weight
 * to its credit and goes to the group with the most credit, which then pays 100 ("smooth weighted
 * round robin"). 10 % of 100 requests is 10 requests, so tests can assert the split.
 */
export class WeightedPicker {
  readonly #credit = new Map<string, number>();

  pick(weights: Record<string, number>): string | undefined {
    let best: string | undefined;
    let bestCredit = Number.NEGATIVE_INFINITY;
    const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
    for (const [group, weight] of Object.entries(weights)) {
      const credit = (this.#credit.get(group) ?? 0) + weight;
      this.#credit.set(group, credit);
      if (credit > bestCredit) {
        best = group;
        bestCredit = credit;
      }
    }
    for (const group of this.#credit.keys()) if (!(group in weights)) this.#credit.delete(group);
    if (best !== undefined) this.#credit.set(best, bestCredit - total);
    return best;
  }
}

export interface TargetGroupCount {
  production: number;
  test: number;
}

/** Requests the load balancer served, per service and target group. */
export class TrafficCounters {
  readonly #counts = new Map<string, Map<string, TargetGroupCount>>();

  count(service: string, targetGroupArn: string, kind: keyof TargetGroupCount): void {
    const groups = this.#counts.get(service) ?? new Map<string, TargetGroupCount>();
    const count = groups.get(targetGroupArn) ?? { production: 0, test: 0 };
    count[kind] += 1;
    groups.set(targetGroupArn, count);
    this.#counts.set(service, groups);
  }

  of(service: string): Record<string, TargetGroupCount> {
    return Object.fromEntries(
      [...(this.#counts.get(service) ?? new Map<string, TargetGroupCount>())].map(([arn, count]) => [
        arn,
        { ...count },
      ]),
    );
  }

  reset(service: string): void {
    this.#counts.delete(service);
  }
}

/** What the load balancer does for a service now and did so far (world.traffic, GET /_local/traffic/<service>). */
export interface TrafficView {
  service: string;
  /** Target group ARN → percentage of production requests it gets now. */
  productionWeights: Record<string, number>;
  testTargetGroupArn: string;
  /** Per target group: requests served so far (production, test) and its healthy targets now. */
  targetGroups: Record<string, TargetGroupCount & { healthyTargets: number }>;
}

export function describeTraffic(
  service: LocalService,
  counts: Record<string, TargetGroupCount>,
): TrafficView {
  const groups = new Set<string>([
    ...Object.keys(service.traffic.production),
    service.traffic.testTargetGroupArn,
    ...service.loadBalancers.flatMap((lb) => [
      lb.targetGroupArn,
      lb.advancedConfiguration?.alternateTargetGroupArn ?? '',
    ]),
    ...Object.keys(counts),
  ]);
  groups.delete('');
  const targetGroups: TrafficView['targetGroups'] = {};
  for (const arn of groups) {
    const healthyTargets = service.tasks.filter(
      (task) =>
        task.lastStatus === 'RUNNING' &&
        task.desiredStatus === 'RUNNING' &&
        targetGroupOf(service, task) === arn,
    ).length;
    targetGroups[arn] = { ...(counts[arn] ?? { production: 0, test: 0 }), healthyTargets };
  }
  return {
    service: service.name,
    productionWeights: { ...service.traffic.production },
    testTargetGroupArn: service.traffic.testTargetGroupArn,
    targetGroups,
  };
}
