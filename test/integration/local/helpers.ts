// Shared setup for the local-world integration tests: fast timing, quiet logs, SDK clients.
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { ECRClient } from '@aws-sdk/client-ecr';
import { DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { pino } from 'pino';
import { HttpVerifyProbe } from '../../../deployer/adapters/http/verify-probe.ts';
import { SystemClock } from '../../../deployer/adapters/system-clock.ts';
import type { ServiceConfig } from '../../../deployer/domain/types.ts';
import type { EcsPort } from '../../../deployer/ports.ts';
import type { RolloutContext } from '../../../deployer/runtime/rollout/rollout-context.ts';
import { ECHO_TASK_COMMAND } from '../../../local/task-commands.ts';
import type { LocalTiming, LocalWorld, LocalWorldOptions } from '../../../local/world.ts';
import { actorsServiceConfig, FakeCdn, silentLogger } from '../../support/fakes/index.ts';

export const FAST_TIMING: Partial<LocalTiming> = {
  tickMs: 25,
  healthPollMs: 25,
  // Health is polled every 25 ms, so this bound costs nothing on an idle machine; a node task on a
  // loaded 2-core CI machine can take seconds to answer its first /health, and a task that misses
  // it counts towards the circuit breaker (a spurious failed rollout). Tests that need a task to
  // time out set their own, shorter value.
  healthTimeoutMs: 15_000,
  stopGraceMs: 500,
  circuitBreakerThreshold: 2,
  invalidationMs: 300,
  brokenExitMs: 100,
};

export const quietLogger = pino({ level: 'silent' });

/** A world that plays `actors` images with the echo fixture (fast, no dependency on service/). */
export function echoWorldOptions(extra: LocalWorldOptions = {}): LocalWorldOptions {
  return {
    taskCommands: { actors: ECHO_TASK_COMMAND },
    timing: FAST_TIMING,
    logger: quietLogger,
    ...extra,
  };
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function clients(world: LocalWorld, maxAttempts = 1) {
  const common = { region: 'us-east-1', credentials, maxAttempts };
  return {
    ecs: new ECSClient({ ...common, endpoint: world.endpoints.ecs }),
    ecr: new ECRClient({ ...common, endpoint: world.endpoints.ecr }),
    cloudfront: new CloudFrontClient({ ...common, endpoint: world.endpoints.cloudfront }),
    sqs: new SQSClient({ ...common, endpoint: world.endpoints.sqs }),
  };
}

/**
 * Polls `probe` every 25 ms until it returns a value. On timeout the error carries `state()` (what the
 * test was waiting on, as it stood), so a failure in CI says why without a rerun.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 8_000,
  state?: () => unknown,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const seen = state ? `; state: ${JSON.stringify(state(), null, 1)}` : '';
      throw new Error(`condition not met in time${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export { isAlive } from '../../support/process-alive.ts';

/**
 * Registers a new revision of the world's actors task definition whose tasks report `digest` on
 * /version (the echo task reads DEPLOY_IMAGE_DIGEST): what a rollout to a new image registers.
 */
export async function registerActorsRevision(
  ecs: ECSClient,
  digest: string,
): Promise<{ arn: string; digest: string }> {
  const current = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'actors' }));
  const container = current.taskDefinition?.containerDefinitions?.[0];
  if (!container) throw new Error('actors has no container');
  const environment = (container.environment ?? []).filter((entry) => entry.name !== 'DEPLOY_IMAGE_DIGEST');
  const answer = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'actors',
      containerDefinitions: [
        { ...container, environment: [...environment, { name: 'DEPLOY_IMAGE_DIGEST', value: digest }] },
      ],
      cpu: '256',
      memory: '512',
    }),
  );
  return { arn: answer.taskDefinition?.taskDefinitionArn ?? '', digest };
}

/**
 * A rollout's context over the local world's `actors` service, as deploy.ts builds one: the real ECS
 * adapter and HTTP probe, verification of `<serviceUrl>/version` every 0.2 s through the world's load
 * balancer (3 successes), a CDN fake and quiet callbacks. `rollout` is the service's rollout block.
 */
export function actorsRolloutContext(
  ecs: EcsPort,
  serviceUrl: string,
  rollout: ServiceConfig['rollout'],
  overrides: Partial<RolloutContext> = {},
): RolloutContext {
  return {
    service: actorsServiceConfig({
      rollout,
      verify: {
        url: `${serviceUrl}/version`,
        expectVersion: true,
        successes: 3,
        intervalSeconds: 0.2,
        timeoutSeconds: 60,
      },
    }),
    ecs,
    cdn: new FakeCdn(),
    probe: new HttpVerifyProbe({ allowPrivateNetworks: true }),
    clock: new SystemClock(),
    log: silentLogger,
    signal: AbortSignal.timeout(110_000),
    waitPollMs: 500,
    consoleLinks: false,
    onStep: () => undefined,
    onObserved: () => undefined,
    onVerifyProgress: () => undefined,
    ...overrides,
  };
}
