// Chaos: the real deployer process (`node deployer/main.ts`, aws mode against a local world) is
// killed with SIGKILL at a random moment after each ECR push and restarted at once. After every
// push the system must converge to the pushed image (desired and live on the status, Synced, ECS's
// deployment COMPLETED, served at the load balancer); across the run there must be exactly one task
// definition revision per rolled-out digest (a restarted rollout finds its own revision by its
// rollout-id tag), exactly one CloudFront invalidation per rollout id, nothing in the DLQ, and the
// intake queue drains (no event lost or stuck).
// Shared by the resilience test (a few rollouts) and `npm run bench:chaos` (50).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import {
  type DeployerProcess,
  STATUS_TOKEN,
  spawnDeployer,
  writeConfigDir,
} from '../../../bench/support/deployer-process.ts';
import type { ServiceStatus } from '../../../deployer/contract/status-model.ts';
import type { LocalService } from '../../../local/ecs/model.ts';
import { seededRandom } from '../../../local/faults.ts';
import { REPO_ROOT } from '../../../local/task-commands.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { startHeldProxy } from './held-proxy.ts';

/**
 * When to kill: a moment after the push, or in a rollout step. A step kill is deterministic on any
 * machine: the harness holds the step (the new task's health for Waiting, the verify probe for
 * Verifying) until it has seen the step in /status and killed the deployer, then lets it go on.
 */
export type KillPoint = { afterMs: number } | { step: 'Waiting' | 'Verifying' };

export interface ChaosOptions {
  rollouts: number;
  seed: number;
  /** Kill at a uniformly random moment within this many ms after the push... */
  killWindowMs: number;
  /** ...unless this plan names the kill point of rollout `index` (0-based). */
  killPlan?: (index: number) => KillPoint | undefined;
  /** Per-rollout convergence deadline. */
  convergeTimeoutMs: number;
  logger: Logger;
  onProgress?: (done: number, sample: ChaosSample) => void;
}

export interface ChaosSample {
  tag: string;
  digest: string;
  killedAfterMs: number;
  /** What the deployer last reported before the kill: a rollout step, `queued` or `done`. */
  stepAtKill: string;
  /** Push → pushed image live, COMPLETED in ECS and Synced in the restarted deployer's status. */
  convergedMs: number;
}

export interface ChaosReport {
  samples: ChaosSample[];
  /** Revisions registered per rolled-out digest (must all be 1). */
  revisionsPerDigest: Map<string, number>;
  /** Invalidations per rollout id (must all be 1). */
  invalidationsPerReference: Map<string, number>;
  deadLettered: number;
  /** Messages left on the intake queue at the end (visible or in flight). */
  undrained: number;
  problems: string[];
}

/**
 * GETs `url` over node:http: the status code and body, or undefined when nothing answers within
 * `timeoutMs`. Not fetch with AbortSignal.timeout(): each such signal's timer outlives the request and
 * then builds a DOMException, and the harness polls: fetch and those exceptions were ~40 % of this
 * file's CPU (mostly waiting for a restarted deployer's /readyz every 10 ms).
 */
function httpGet(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 1000,
): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const request = get(url, { headers, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', () => resolve(undefined));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

async function actorsStatus(deployer: DeployerProcess): Promise<ServiceStatus | undefined> {
  const answer = await httpGet(`${deployer.url}/status/actors`, { authorization: `Bearer ${STATUS_TOKEN}` });
  return answer?.status === 200 ? (JSON.parse(answer.body) as ServiceStatus) : undefined;
}

/**
 * Until the deployer answers 200 on /readyz: polls 20 ms apart at first, spreading to 100 ms (a start
 * takes a second or more: bench's waitReady polls every 10 ms, to time the start, which this does not).
 */
async function waitReady(deployer: DeployerProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void deployer.exited.then((code) => {
    exitCode = code;
  });
  for (let pollMs = 20; ; pollMs = Math.min(100, pollMs * 1.5)) {
    if (exitCode !== undefined)
      throw new Error(`deployer exited with ${exitCode} before ready:\n${deployer.output().slice(-3000)}`);
    if ((await httpGet(`${deployer.url}/readyz`))?.status === 200) return;
    if (performance.now() > deadline)
      throw new Error(`deployer not ready within ${timeoutMs} ms:\n${deployer.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function primaryImage(world: LocalWorld): { image: string; state: string } | undefined {
  const service: LocalService | undefined = world.services().find((candidate) => candidate.name === 'actors');
  const primary = service?.deployments.find((deployment) => deployment.status === 'PRIMARY');
  if (!primary) return undefined;
  const definition = world.taskDefinitions().find((candidate) => candidate.arn === primary.taskDefinitionArn);
  return { image: definition?.containerDefinitions[0]?.image ?? '', state: primary.rolloutState };
}

async function messageCount(world: LocalWorld, queueUrl: string): Promise<number> {
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint: world.endpoints.sqs,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const output = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(output.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(output.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  } finally {
    client.destroy();
  }
}

/** The digest the actors tasks behind the world's load balancer report on /version. */
async function servedDigest(world: LocalWorld): Promise<string | null> {
  const answer = await httpGet(`${world.serviceUrl('actors')}/version`, {}, 5000);
  if (!answer) throw new Error(`the load balancer did not answer /version within 5 s`);
  return (JSON.parse(answer.body) as { digest: string | null }).digest;
}

function describeStep(status: ServiceStatus | undefined, digest: string): string {
  if (status?.currentRollout?.to.digest === digest) return status.currentRollout.step;
  return status?.live?.digest === digest ? 'done' : 'queued';
}

/** Waits for the planned kill point; returns what the deployer reported last before it. */
async function waitForKillPoint(
  deployer: DeployerProcess,
  point: KillPoint,
  digest: string,
  pushedAt: number,
): Promise<string> {
  if ('afterMs' in point) {
    // Sample the step shortly before the kill (a status request takes a few ms).
    const sampleAt = pushedAt + Math.max(0, point.afterMs - 30);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, sampleAt - performance.now())));
    const step = describeStep(await actorsStatus(deployer), digest);
    const killAt = pushedAt + point.afterMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, killAt - performance.now())));
    return step;
  }
  // The step is held, so it is reached however slow the machine; the deadline only catches a bug.
  // Held, it waits for the poll too: polling every 5 ms (~4 ms of CPU per /status poll, the
  // deployer's and the harness's) kept a core busy for the seconds before each step was reached.
  const deadline = performance.now() + 20_000;
  let step = 'queued';
  while (performance.now() < deadline) {
    step = describeStep(await actorsStatus(deployer), digest);
    if (step === point.step || step === 'done') return step;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return step;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  // A reproducible random kill schedule for a given seed.
  const next = seededRandom(options.seed);
  const gateDir = await mkdtemp(join(tmpdir(), 'chaos-gate-'));
  const taskGate = join(gateDir, 'hold-task-health');
  const gatedEcho = fileURLToPath(new URL('./gated-echo-task.ts', import.meta.url));
  const world = await startLocalWorld({
    logger: options.logger,
    taskCommands: { actors: { command: [process.execPath, gatedEcho, taskGate], cwd: REPO_ROOT } },
    // Health is polled, so a generous timeout costs nothing on an idle machine; on a loaded one a
    // node task (held a moment for a Waiting kill) may take seconds to answer its first /health.
    timing: { tickMs: 25, healthPollMs: 25, healthTimeoutMs: 20_000, stopGraceMs: 300, invalidationMs: 200 },
    visibilityTimeoutSeconds: 3,
    maxReceiveCount: 10,
  });
  const verifyProxy = await startHeldProxy(world.serviceUrl('actors'));
  const configDir = await writeConfigDir([
    {
      name: 'actors',
      repository: 'actors',
      track: 'track: { semver: ">=1.0.0" }',
      verifyUrl: `${verifyProxy.url}/version`,
      // Two probes 500 ms apart: a random kill has a fair chance to land in Verifying too.
      verifySuccesses: 2,
      verifyIntervalSeconds: 0.5,
      distributionId: 'ELOCALACTORS',
    },
  ]);
  const start = () =>
    spawnDeployer({
      worldEnv: world.env(),
      configDir,
      env: {
        LOG_LEVEL: 'warn',
        WAIT_POLL_MS: '50',
        VISIBILITY_TIMEOUT_SECONDS: '3',
        HEARTBEAT_SECONDS: '1',
        MAX_RECEIVES: '10',
      },
    });
  const samples: ChaosSample[] = [];
  const problems: string[] = [];
  let deployer = await start();
  try {
    await waitReady(deployer);
    for (let index = 1; index <= options.rollouts; index += 1) {
      const tag = `2.0.${index}`;
      const planned = options.killPlan?.(index - 1) ?? { afterMs: Math.round(next() * options.killWindowMs) };
      if ('step' in planned && planned.step === 'Waiting') await writeFile(taskGate, '');
      if ('step' in planned && planned.step === 'Verifying') verifyProxy.hold();
      const pushedAt = performance.now();
      const pushed = await world.push('actors', tag);
      const stepAtKill = await waitForKillPoint(deployer, planned, pushed.digest, pushedAt);
      const killAfter = Math.round(performance.now() - pushedAt);
      await deployer.kill('SIGKILL');
      await rm(taskGate, { force: true });
      verifyProxy.release();
      deployer = await start();
      await waitReady(deployer);

      const deadline = performance.now() + options.convergeTimeoutMs;
      for (;;) {
        const live = primaryImage(world);
        const status = await actorsStatus(deployer);
        if (
          live?.image.endsWith(pushed.digest) &&
          live.state === 'COMPLETED' &&
          status?.sync.state === 'Synced' &&
          status.live?.digest === pushed.digest &&
          status.desired?.digest === pushed.digest &&
          status.currentRollout === null
        )
          break;
        if (performance.now() > deadline) {
          throw new Error(
            `${tag} did not converge within ${options.convergeTimeoutMs} ms after a kill at ${killAfter} ms (${stepAtKill}): ECS ${JSON.stringify(live)}, status ${JSON.stringify(status?.sync)}\n${deployer.output().slice(-3000)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // What users get: the tasks behind the load balancer serve the pushed image.
      const served = await servedDigest(world);
      if (served !== pushed.digest) problems.push(`${tag}: the load balancer served ${served}`);
      const sample = {
        tag,
        digest: pushed.digest,
        killedAfterMs: killAfter,
        stepAtKill,
        convergedMs: performance.now() - pushedAt,
      };
      samples.push(sample);
      options.onProgress?.(index, sample);
    }

    const revisionsPerDigest = new Map<string, number>();
    for (const sample of samples) {
      const count = world
        .taskDefinitions()
        .filter((definition) =>
          definition.containerDefinitions.some((c) => c.image.endsWith(sample.digest)),
        ).length;
      revisionsPerDigest.set(sample.digest, count);
      if (count !== 1) problems.push(`${sample.tag}: ${count} task definition revisions, expected 1`);
    }
    const invalidationsPerReference = new Map<string, number>();
    for (const invalidation of world.invalidations())
      invalidationsPerReference.set(
        invalidation.callerReference,
        (invalidationsPerReference.get(invalidation.callerReference) ?? 0) + 1,
      );
    for (const [reference, count] of invalidationsPerReference)
      if (count !== 1) problems.push(`invalidation ${reference} created ${count} times`);
    if (invalidationsPerReference.size < samples.length)
      problems.push(`${invalidationsPerReference.size} invalidations for ${samples.length} rollouts`);
    const deadLettered = await messageCount(world, world.dlqUrl);
    if (deadLettered > 0) problems.push(`${deadLettered} message(s) in the dead-letter queue`);
    // Nothing stuck: messages a killed deployer held come back after the visibility timeout and
    // are finished by its successor, so the intake queue drains.
    const drainDeadline = performance.now() + 20_000;
    let left = await messageCount(world, world.queueUrl);
    while (left > 0 && performance.now() < drainDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await messageCount(world, world.queueUrl);
    }
    if (left > 0) problems.push(`${left} message(s) still on the queue 20 s after the last rollout`);
    return {
      samples,
      revisionsPerDigest,
      invalidationsPerReference,
      deadLettered,
      undrained: left,
      problems,
    };
  } finally {
    await deployer.kill('SIGKILL');
    await rm(gateDir, { recursive: true, force: true });
    await verifyProxy.close();
    await world.stop();
  }
}
