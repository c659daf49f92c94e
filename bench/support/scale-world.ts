// N services (one ECR repository each, all tracking `latest`) in in-memory fakes of every port,
// with a real deployer runtime on top. Shared by bench:scale and the resilience tests.
import type { Logger } from 'pino';
import type { ConfigFile } from '../../deployer/domain/types.ts';
import { createDeployerRuntime } from '../../deployer/runtime/app.ts';
import type { DeployerRuntime } from '../../deployer/runtime/runtime.ts';
import { loadSettings } from '../../deployer/runtime/settings.ts';
import { CallCounter } from '../fakes/call-counter.ts';
import { FakeCdn } from '../fakes/fake-cdn.ts';
import { FakeConfigSource } from '../fakes/fake-config-source.ts';
import { FakeEcs } from '../fakes/fake-ecs.ts';
import { FakeProbe } from '../fakes/fake-probe.ts';
import { FakeQueue } from '../fakes/fake-queue.ts';
import { FakeRegistry } from '../fakes/fake-registry.ts';
import { FastClock } from '../fakes/fast-clock.ts';

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
}

export function createScaleWorld(options: ScaleWorldOptions): ScaleWorld {
  const counter = new CallCounter();
  const registry = new FakeRegistry(counter);
  const ecs = new FakeEcs({ counter });
  const queue = new FakeQueue({
    counter,
    visibilityTimeoutSeconds: 30,
    answerIn: options.queueAnswerIn ?? 'macrotask',
  });
  const cdn = new FakeCdn(counter);
  const names = Array.from({ length: options.services }, (_, index) => serviceName(index + 1));
  for (const name of names) {
    const digest = registry.push(name, '1.0.0');
    ecs.seedService(SCALE_CLUSTER, name, 'app', `${registry.uri(name)}@${digest}`);
  }
  const config = new FakeConfigSource(counter, names.map(serviceFile));
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
  const runtime = createDeployerRuntime({
    settings,
    ecs,
    registry,
    cdn,
    queue,
    configSource: config,
    probe: new FakeProbe(counter, () => null),
    clock: new FastClock(),
    logger: options.logger,
  });
  return { names, counter, ecs, registry, queue, cdn, config, runtime };
}
