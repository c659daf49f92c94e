// Lookups in a config in force by service name and by upstream environment, built once per config
// object (WeakMaps: a replaced config's maps go with it). A reconcile, each settle of a resync pass and
// each rollout's end used to scan every service of the config: O(services) per event, O(services²) per
// pass (issue 17 goal d: an ECR storm's events/s flat from 1,000 to 10,000 services).
import type { DesiredState, ServiceConfig } from '../domain/types.ts';

const byName = new WeakMap<DesiredState, Map<string, ServiceConfig>>();
const byUpstream = new WeakMap<DesiredState, Map<string, ServiceConfig[]>>();

/** The service of this name in the config, if any. */
export function serviceNamed(desired: DesiredState | undefined, name: string): ServiceConfig | undefined {
  if (!desired) return undefined;
  let names = byName.get(desired);
  if (!names) {
    names = new Map(desired.services.map((service) => [service.name, service]));
    byName.set(desired, names);
  }
  return names.get(name);
}

/** The environments the config promotes from `upstream` (environment.promote.from). */
export function promotedFrom(desired: DesiredState | undefined, upstream: string): readonly ServiceConfig[] {
  if (!desired) return [];
  let upstreams = byUpstream.get(desired);
  if (!upstreams) {
    upstreams = new Map();
    for (const service of desired.services) {
      const from = service.environment?.promote?.from;
      if (from === undefined) continue;
      const list = upstreams.get(from);
      if (list) list.push(service);
      else upstreams.set(from, [service]);
    }
    byUpstream.set(desired, upstreams);
  }
  return upstreams.get(upstream) ?? [];
}
