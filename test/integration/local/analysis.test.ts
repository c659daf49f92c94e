// rollout.analysis over the local world with the production adapters: the strategy gate reads CloudWatch
// alarms (DescribeAlarms), the new revision's error rate at the load balancer (GetMetricData on the
// AWS/ApplicationELB metrics the local load balancer publishes) and an HTTP analysis URL, through the
// same SDK client as on AWS (the CloudWatch stand-in's endpoint). One failing source stops the ECS
// deployment with ROLLBACK and names itself in the reason; a passing analysis lets ECS finish.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../deployer/adapters/aws/clients.ts';
import { CloudWatchMetrics } from '../../../deployer/adapters/aws/cloudwatch-adapter.ts';
import { EcsAdapter } from '../../../deployer/adapters/aws/ecs-adapter.ts';
import { HttpAnalysisProbe } from '../../../deployer/adapters/http/analysis-probe.ts';
import type { StrategyProgress } from '../../../deployer/contract/status-model.ts';
import type { AnalysisSettings } from '../../../deployer/domain/analysis.ts';
import { strategyGate } from '../../../deployer/runtime/rollout/strategy-gate.ts';
import { updateService } from '../../../deployer/runtime/rollout/update.ts';
import { waitForDeployment } from '../../../deployer/runtime/rollout/wait.ts';
import { close, listen } from '../../../local/http-util.ts';
import { type LocalWorld, startLocalWorld } from '../../../local/world.ts';
import { actorsRolloutContext, echoWorldOptions, FAST_TIMING, registerActorsRevision } from './helpers.ts';

const ANALYSIS_TASK = {
  command: [process.execPath, new URL('../../fixtures/tasks/analysis-task.ts', import.meta.url).pathname],
  cwd: process.cwd(),
};
const ALARM = 'actors-canary-5xx';
/** One "minute" of the ECS stand-in's bake times. */
const MINUTE_MS = 1_500;

let world: LocalWorld;
let clients: ReturnType<typeof createAwsClients>;
let ecs: EcsAdapter;
let analysisServer: Server;
let analysisUrl: string;
/** What the analysis URL answers now (a test sets it). */
let analysisAnswer = { status: 200, body: 'ok' };
/** Requests the analysis URL has answered so far (one per analysis round that reads it). */
let analysisRequests = 0;
let revisions = 0;

beforeAll(async () => {
  world = await startLocalWorld(
    echoWorldOptions({
      actorsTargetGroups: 2,
      taskCommands: { actors: ANALYSIS_TASK },
      timing: { ...FAST_TIMING, minuteMs: MINUTE_MS },
    }),
  );
  clients = createAwsClients({
    endpoints: { ecs: world.endpoints.ecs, cloudwatch: world.endpoints.cloudwatch },
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  ecs = new EcsAdapter(clients.ecs);
  analysisServer = createServer((_request, response) => {
    analysisRequests += 1;
    response.writeHead(analysisAnswer.status, { 'content-type': 'text/plain' });
    response.end(analysisAnswer.body);
  });
  analysisUrl = `http://127.0.0.1:${await listen(analysisServer, 0)}/analysis`;
});
afterAll(async () => {
  clients?.destroy();
  if (analysisServer) await close(analysisServer);
  await world?.stop();
});

/** The actors ALB's metric dimension, as the world hands it to config (`${stack:LoadBalancerFullName}`). */
const loadBalancer = () => world.stackValues.LoadBalancerFullName ?? '';

/** Production requests to /work through the load balancer until `stop` aborts (what users send). */
async function userTraffic(stop: AbortSignal): Promise<void> {
  const url = `${world.serviceUrl('actors')}/work`;
  while (!stop.aborted) {
    await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(url, { signal: stop }).then(
          (answer) => answer.arrayBuffer(),
          () => undefined,
        ),
      ),
    );
  }
}

/**
 * A canary (50 % for `bakeMinutes`, default 4: 6 s) with `analysis`, run as deploy.ts runs update + wait;
 * a new revision whose /work fails when `failing`.
 */
async function canary(
  analysis: Partial<AnalysisSettings>,
  options: { failing?: boolean; bakeMinutes?: number; onPhase?: (progress: StrategyProgress) => void } = {},
) {
  const before = (await ecs.describeService('gitops', 'actors', AbortSignal.timeout(10_000)))
    .taskDefinitionArn;
  revisions += 1;
  const digest = `sha256:${String(revisions).padStart(60, '0')}${options.failing ? 'e500' : 'c0de'}`;
  const next = await registerActorsRevision(clients.ecs, digest);
  const phases: StrategyProgress[] = [];
  const ctx = actorsRolloutContext(
    ecs,
    world.serviceUrl('actors'),
    {
      timeoutSeconds: 120,
      rollback: true,
      strategy: {
        strategy: 'canary',
        bakeMinutes: 0,
        canary: { percent: 50, bakeMinutes: options.bakeMinutes ?? 4 },
      },
      analysis: { intervalSeconds: 0.2, ...analysis },
    },
    {
      analysis: {
        metrics: new CloudWatchMetrics(await clients.cloudwatch.get()),
        probe: new HttpAnalysisProbe({ allowPrivateNetworks: true }),
      },
      onStrategyProgress: (progress) => {
        phases.push(progress);
        options.onPhase?.(progress);
      },
    },
  );
  const traffic = new AbortController();
  const users = userTraffic(traffic.signal);
  try {
    // As deploy.ts does, UpdateService's answer is the wait's first look: a gate that rolls back at its first
    // check (an analysis URL already failing) can see the stand-in drop the never-started deployment before
    // the wait describes the service, and a wait that never saw its deployment waits on (until the 110 s
    // signal: the hang seen in CI about 1 run in 3 under load).
    const after = await updateService(ctx, next.arn);
    const gate = strategyGate(ctx, next.digest);
    const outcome = await waitForDeployment(ctx, next.arn, 120, 'Waiting', gate, after);
    const live = await ecs.describeService('gitops', 'actors', AbortSignal.timeout(10_000));
    return { outcome, phases, before, next, live };
  } finally {
    traffic.abort();
    await users;
  }
}

describe('rollout analysis over the local world', () => {
  it('lets a canary whose analysis passes (alarm OK, error rate low, URL 200) finish', async () => {
    world.setAlarm(ALARM, 'OK');
    analysisAnswer = { status: 200, body: 'all good' };
    // The canary step bakes 60 "minutes" (90 s, room for the analysis however loaded the machine); once
    // the analysis has passed 5 rounds in it (it reads the URL each round, every 0.2 s), the rest of the
    // bake passes at once (elapseEcsWaits) instead of on the clock.
    let bakePassed: Promise<void> | undefined;
    const fiveRoundsThenBake = async () => {
      const from = analysisRequests;
      const giveUp = Date.now() + 60_000;
      while (analysisRequests - from < 5 && Date.now() < giveUp)
        await new Promise((resolve) => setTimeout(resolve, 50));
      world.elapseEcsWaits('actors', 60 * MINUTE_MS);
    };
    const { outcome, live, next } = await canary(
      {
        alarms: [ALARM],
        errorRate: { loadBalancer: loadBalancer(), maxPercent: 5, minRequests: 10 },
        http: { url: analysisUrl, timeoutSeconds: 2 },
      },
      {
        bakeMinutes: 60,
        onPhase: (progress) => {
          if (progress.phase.startsWith('canary')) bakePassed ??= fiveRoundsThenBake();
        },
      },
    );
    await bakePassed;
    expect(outcome).toEqual({ ok: true });
    expect(live.taskDefinitionArn).toBe(next.arn);
  }, 120_000);

  it('rolls a canary back when its analysis alarm goes to ALARM, naming the alarm', async () => {
    world.setAlarm(ALARM, 'OK');
    // Set once the canary takes production traffic: the gate must notice a change, not a state it began with.
    const { outcome, before, live } = await canary(
      { alarms: [ALARM] },
      { onPhase: (progress) => progress.phase.startsWith('canary') && world.setAlarm(ALARM, 'ALARM') },
    );
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'StrategyProbeFailed',
      message: expect.stringMatching(
        /^production traffic shift: analysis failed: alarm actors-canary-5xx in ALARM/,
      ),
      movedOn: before,
    });
    expect(live.taskDefinitionArn).toBe(before);
  }, 120_000);

  it("rolls a canary back when the new revision's error rate at the load balancer breaks the limit", async () => {
    const { outcome, before, live } = await canary(
      { errorRate: { loadBalancer: loadBalancer(), maxPercent: 5, minRequests: 10 } },
      { failing: true },
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'StrategyProbeFailed', movedOn: before });
    expect(outcome.ok === false && outcome.message).toMatch(
      /^production traffic shift: analysis failed: error rate [\d.]+ % > 5 % over \d+ requests on target group actors-(blue|green)$/,
    );
    expect(live.taskDefinitionArn).toBe(before);
  }, 120_000);

  it('rolls a canary back when the analysis URL answers 500, quoting its first line', async () => {
    analysisAnswer = { status: 500, body: 'p99 latency 840 ms > 300 ms\nsee the dashboard' };
    const { outcome, before, live } = await canary({ http: { url: analysisUrl, timeoutSeconds: 2 } });
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'StrategyProbeFailed',
      message: expect.stringContaining(
        'analysis failed: analysis URL answered HTTP 500: p99 latency 840 ms > 300 ms',
      ),
      movedOn: before,
    });
    expect(live.taskDefinitionArn).toBe(before);
  }, 120_000);
});
