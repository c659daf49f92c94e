// N services (one ECR repository each, all tracking `latest`) in in-memory fakes of every port,
// with a real deployer runtime on top. Shared by bench:scale and the resilience tests.
import type { Logger } from 'pino';
import type { ConfigFile } from '../../deployer/domain/types.ts';
import { createDeployerRuntime, type RuntimeTuning } from '../../deployer/runtime/app.ts';
import type { DeployerRuntime } from '../../deployer/runtime/runtime.ts';
import { loadSettings } from '../../deployer/runtime/settings.ts';
import {
  CallCounter,
  FakeCdn,
  FakeConfigSource,
  FakeEcs,
  FakeProbe,
  FakeQueue,
  FakeRegistry,
  FastClock,
} from '../../test/support/fakes/index.ts';

export const SCALE_CLUSTER = 'gitops';

export function serviceName(index: number): string {
  return `svc-${String(index).padStart(4, '0')}`;
}

function serviceFile(name: string): ConfigFile {
  return {
    path: `services/${name}.yaml`,
    text: [
      `name: ${name}`,
      `cluster: ${SCALE_CLUSTER}`,
      `service: ${name}`,
      'container: app',
      'image:',
      `  repository: ${name}`,
      '  track: { latest: true }',
      '',
    ].join('\n'),
  };
}

export interface ScaleWorld {
  names: string[];
  counter: CallCounter;
  ecs: FakeEcs;
  registry: FakeRegistry;
  queue: FakeQueue;
  cdn: FakeCdn;
  config: FakeConfigSource;
  runtime: DeployerRuntime;
}

export interface ScaleWorldOptions {
  services: number;
  logger: Logger;
  concurrency?: number;
  env?: Record<string, string>;
  /** How the fake queue answers (see FakeQueueOptions.answerIn). */
  queueAnswerIn?: 'macrotask' | 'microtask';
  /** Runtime tuning on top of the world's (the status refresh stays off). */
  tuning?: RuntimeTuning;
}

export function createScaleWorld(options: ScaleWorldOptions): ScaleWorld {
  const counter = new CallCounter();
  const clock = new FastClock();
  const registry = new FakeRegistry(clock, { counter });
  // A deployment completes on the first describe after UpdateService: the benchmark measures the
  // deployer's own work, not waiting.
  const ecs = new FakeEcs(clock, { counter, pollsToFinish: 1 });
  const queue = new FakeQueue({
    counter,
    visibilityTimeoutSeconds: 30,
    answerIn: options.queueAnswerIn ?? 'macrotask',
  });
  const cdn = new FakeCdn({ counter });
  const names = Array.from({ length: options.services }, (_, index) => serviceName(index + 1));
  for (const name of names) {
    const digest = registry.push(name, '1.0.0');
    ecs.seed({
      cluster: SCALE_CLUSTER,
      service: name,
      container: 'app',
      image: `${registry.uri(name)}@${digest}`,
    });
  }
  const config = new FakeConfigSource({ counter, files: names.map(serviceFile), revision: 'rev-1' });
  const settings = loadSettings({
    DEPLOYER_MODE: 'local',
    CONFIG_PATH: '/nonexistent-config-served-by-a-fake',
    CONCURRENCY: String(options.concurrency ?? 4),
    WAIT_POLL_MS: '10',
    RESYNC_INTERVAL_SECONDS: '3600',
    VISIBILITY_TIMEOUT_SECONDS: '30',
    HEARTBEAT_SECONDS: '10',
    LOG_LEVEL: options.logger.level,
    ...options.env,
  });
  const runtime = createDeployerRuntime(
    {
      settings,
      ecs,
      registry,
      cdn,
      queue,
      configSource: config,
      probe: new FakeProbe(ecs, { counter }),
      clock,
      logger: options.logger,
      // The status refresh's own calls are counted apart (test/unit/runtime/status-refresh.test.ts).
    },
    { ...options.tuning, statusRefreshMs: 0 },
  );
  return { names, counter, ecs, registry, queue, cdn, config, runtime };
}
