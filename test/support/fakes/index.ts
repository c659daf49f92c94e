// The one test kit of in-memory fakes of the ports in deployer/ports.ts, shared by unit tests,
// resilience tests, benchmarks and the port contract suite. Each fake follows the AWS rules the
// deployer relies on (cited in its file) and fails with the errors the adapters would raise. Every
// constructor takes what it depends on (a clock, a call counter); nothing is shared between instances.
import { pino } from 'pino';

export { abortedCall, awsError, awsFailure } from './aws-errors.ts';
export { CallCounter, sumCalls } from './call-counter.ts';
export { FakeClock, FastClock, SteppedClock } from './clocks.ts';
export { FakeCdn, type FakeCdnOptions } from './fake-cdn.ts';
export { FakeConfigSource, type FakeConfigSourceOptions } from './fake-config-source.ts';
export {
  FAKE_ACCOUNT,
  FAKE_REGION,
  FakeEcs,
  type FakeEcsOptions,
  type RolloutBehaviour,
} from './fake-ecs.ts';
export { FakeAnalysisProbe, FakeMetrics } from './fake-metrics.ts';
export { FakeProbe, type FakeProbeOptions } from './fake-probe.ts';
export { FakeQueue, type FakeQueueOptions } from './fake-queue.ts';
export { digestOf, FakeRegistry, type FakeRegistryOptions, REGISTRY_HOST } from './fake-registry.ts';
export { FakeReleaseRecords } from './fake-release-records.ts';
export { type PlannedFailure, throwIfPlanned } from './planned-failure.ts';
export { actorsServiceConfig } from './service-config.ts';
export { serviceYaml } from './service-yaml.ts';

export const silentLogger = pino({ level: 'silent' });
