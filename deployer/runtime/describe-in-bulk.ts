// Every service's live state in as few calls as ECS allows: one DescribeServices per 10 services of a
// cluster (EcsPort.describeServices batches). Shared by the startup rebuild and the resync pass.
import type { LiveService, ServiceConfig } from '../domain/types.ts';
import type { EcsPort } from '../ports.ts';

/**
 * Live state by config name. A service left out (missing, or its batch failed) is for the caller to
 * describe alone or reconcile, which reports why; only an abort is thrown.
 */
export async function describeInBulk(
  ecs: Pick<EcsPort, 'describeServices'>,
  services: readonly ServiceConfig[],
  signal: AbortSignal,
): Promise<Map<string, LiveService>> {
  const byCluster = new Map<string, ServiceConfig[]>();
  for (const config of services) {
    const cluster = byCluster.get(config.cluster);
    if (cluster) cluster.push(config);
    else byCluster.set(config.cluster, [config]);
  }
  const live = new Map<string, LiveService>();
  await Promise.all(
    [...byCluster].map(async ([cluster, configs]) => {
      try {
        const { found } = await ecs.describeServices(
          cluster,
          configs.map((c) => c.service),
          signal,
        );
        const byName = new Map(found.map((s) => [s.service, s]));
        for (const config of configs) {
          const match = byName.get(config.service);
          if (match) live.set(config.name, match);
        }
      } catch (error) {
        if (signal.aborted) throw error;
      }
    }),
  );
  return live;
}
