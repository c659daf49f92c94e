// Bulk observe, targeted act: a resync (or a config change) reads every service at once instead of
// queueing a reconcile per service that reads it alone. DescribeServices 10 services a call per
// cluster, DescribeImages once per repository (a cached list when no ECR event named it and it is not its
// turn: repository-images.ts), each live task definition once (then from the cache,
// cached-task-definitions.ts); each service is then judged by the same pure decision a reconcile uses,
// and only the ones that need work (a rollout, a resume, an invalidation, or anything the bulk read
// could not settle) get a reconcile message. The others have their status written here.
import type { Logger } from 'pino';
import type { RegistryImage, ServiceConfig } from '../domain/types.ts';
import type { EcsPort, RegistryPort } from '../ports.ts';
import { describeInBulk } from './describe-in-bulk.ts';
import type { ObservedReads } from './observation.ts';
import type { Reconciler } from './reconcile.ts';
import type { RepositoryImages } from './repository-images.ts';

export interface ResyncPassDeps {
  ecs: EcsPort;
  registry: RegistryPort;
  reconciler: Reconciler;
  logger: Logger;
  /** Requests of one kind in flight at once (describes of task definitions, image lists). */
  concurrency?: number;
  /** Each repository's images as last read, kept fresh by ECR events (absent: DescribeImages each pass). */
  images?: RepositoryImages;
  /** Repositories (as configured) read from ECR whatever the cache holds: those a config change touched. */
  fresh?: ReadonlySet<string>;
}

export interface ResyncPassResult {
  /** Services that need a reconcile (queue one each). */
  reconcile: ServiceConfig[];
  /** Services found in sync (or settled as degraded or blocked) and written to status here. */
  settled: number;
}

const DEFAULT_CONCURRENCY = 8;

export async function resyncPass(
  deps: ResyncPassDeps,
  services: readonly ServiceConfig[],
  signal: AbortSignal,
): Promise<ResyncPassResult> {
  const started = performance.now();
  const limit = deps.concurrency ?? DEFAULT_CONCURRENCY;
  deps.images?.nextPass();
  const [live, images] = await Promise.all([
    describeInBulk(deps.ecs, services, signal), // a service left out gets a reconcile, which says why
    imagesByRepository(deps, services, limit, signal),
  ]);
  const reconcile: ServiceConfig[] = [];
  let settled = 0;
  await eachLimited(services, limit, async (config) => {
    const service = live.get(config.name);
    const repository = images.get(config.image.repository);
    if (!service || !repository) {
      reconcile.push(config);
      return;
    }
    try {
      const reads: ObservedReads = {
        images: repository.images,
        repositoryUri: repository.uri,
        service,
        described: await deps.ecs.describeTaskDefinition(service.taskDefinitionArn, signal),
      };
      if (await deps.reconciler.settle(config.name, reads, signal)) settled += 1;
      else reconcile.push(config);
    } catch (error) {
      if (signal.aborted) throw error;
      reconcile.push(config);
    }
  });
  deps.logger.info(
    {
      services: services.length,
      reconcile: reconcile.length,
      settled,
      durationMs: Math.round(performance.now() - started),
    },
    'resync pass: services compared in bulk',
  );
  // Keep config order: the messages go out in the order the services are listed.
  const order = new Map(services.map((s, index) => [s.name, index]));
  reconcile.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  return { reconcile, settled };
}

/** Each repository's images and URI, read once per pass (keyed by the repository as configured). */
async function imagesByRepository(
  deps: ResyncPassDeps,
  services: readonly ServiceConfig[],
  limit: number,
  signal: AbortSignal,
): Promise<Map<string, { images: RegistryImage[]; uri: string }>> {
  const repositories = [...new Set(services.map((s) => s.image.repository))];
  const read = new Map<string, { images: RegistryImage[]; uri: string }>();
  await eachLimited(repositories, limit, async (repository) => {
    try {
      const [images, uri] = await Promise.all([
        deps.images
          ? deps.images.images(repository, signal, deps.fresh?.has(repository))
          : deps.registry.listImages(repository, signal),
        deps.reconciler.repositoryUri(repository, signal),
      ]);
      read.set(repository, { images, uri });
    } catch (error) {
      if (signal.aborted) throw error;
      // Left out: the services of this repository get a reconcile, which reports the error.
    }
  });
  return read;
}

async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
