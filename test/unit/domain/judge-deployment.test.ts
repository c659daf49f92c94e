// judgeDeployment over the deployment lists ECS shows during a rolling update (one row per situation
// the wait step meets), then the time limit.
import { describe, expect, it } from 'vitest';
import {
  type DeploymentVerdict,
  type DeploymentWatch,
  judgeDeployment,
} from '../../../deployer/domain/judge-deployment.ts';
import type { LiveDeployment } from '../../../deployer/domain/types.ts';

const OURS = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/actors:2';
const OLD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/actors:1';
const OTHER = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/actors:3';

function deployment(
  arn: string,
  status: LiveDeployment['status'],
  rolloutState?: LiveDeployment['rolloutState'],
  counts: { desired: number; running: number } = {
    desired: 2,
    running: rolloutState === 'COMPLETED' ? 2 : 0,
  },
): LiveDeployment {
  return {
    id: `ecs-svc/${arn.slice(-1)}${status}`,
    status,
    taskDefinitionArn: arn,
    ...(rolloutState ? { rolloutState } : {}),
    desiredCount: counts.desired,
    runningCount: counts.running,
    failedTasks: 0,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
  };
}

const watch = (deployments: LiveDeployment[], seenBefore = false, waitedMs = 0): DeploymentWatch => ({
  taskDefinitionArn: OURS,
  deployments,
  seenBefore,
  waitedMs,
  timeoutSeconds: 600,
});

describe('judgeDeployment', () => {
  it.each<[string, DeploymentWatch, DeploymentVerdict]>([
    [
      'not listed yet right after UpdateService: wait, not seen',
      watch([deployment(OLD, 'PRIMARY', 'COMPLETED')]),
      { kind: 'waiting', seen: false },
    ],
    [
      'ours PRIMARY and IN_PROGRESS beside the old ACTIVE one: wait, seen',
      watch([deployment(OURS, 'PRIMARY', 'IN_PROGRESS'), deployment(OLD, 'ACTIVE', 'COMPLETED')]),
      { kind: 'waiting', seen: true },
    ],
    [
      'ours PRIMARY and COMPLETED: completed',
      watch([deployment(OURS, 'PRIMARY', 'COMPLETED')], true),
      { kind: 'completed' },
    ],
    [
      'ours COMPLETED but not PRIMARY any more: replaced',
      watch([deployment(OTHER, 'PRIMARY', 'IN_PROGRESS'), deployment(OURS, 'ACTIVE', 'COMPLETED')], true),
      {
        kind: 'failed',
        reason: 'DeploymentReplaced',
        message: `the deployment of ${OURS} was replaced by ${OTHER}`,
        movedOn: OTHER,
      },
    ],
    [
      'FAILED by the circuit breaker while ECS rolls back: failed with its reason, moved on',
      watch([
        deployment(OLD, 'PRIMARY', 'IN_PROGRESS'),
        {
          ...deployment(OURS, 'ACTIVE', 'FAILED'),
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        },
      ]),
      {
        kind: 'failed',
        reason: 'DeploymentFailed',
        message: 'ECS deployment circuit breaker: tasks failed to start.',
        movedOn: OLD,
      },
    ],
    [
      'FAILED without a reason, still PRIMARY (rollback off): failed, not moved on',
      watch([deployment(OURS, 'PRIMARY', 'FAILED')]),
      { kind: 'failed', reason: 'DeploymentFailed', message: `the deployment of ${OURS} failed` },
    ],
    [
      'gone after it was seen: replaced',
      watch([deployment(OLD, 'PRIMARY', 'COMPLETED')], true),
      {
        kind: 'failed',
        reason: 'DeploymentReplaced',
        message: `the deployment of ${OURS} was replaced by ${OLD}`,
        movedOn: OLD,
      },
    ],
    [
      'gone after it was seen, no PRIMARY listed: replaced by another deployment',
      watch([], true),
      {
        kind: 'failed',
        reason: 'DeploymentReplaced',
        message: `the deployment of ${OURS} was replaced by another deployment`,
      },
    ],
    [
      'only INACTIVE and not seen before: still waiting',
      watch([deployment(OLD, 'PRIMARY', 'COMPLETED'), deployment(OURS, 'INACTIVE')]),
      { kind: 'waiting', seen: false },
    ],
    [
      'no rollout state (another deployment type), alone and full: completed',
      watch([deployment(OURS, 'PRIMARY', undefined, { desired: 2, running: 2 })]),
      { kind: 'completed' },
    ],
    [
      'no rollout state, alone but not full: wait',
      watch([deployment(OURS, 'PRIMARY', undefined, { desired: 2, running: 1 })]),
      { kind: 'waiting', seen: true },
    ],
    [
      'no rollout state, full but the old one still ACTIVE: wait',
      watch([
        deployment(OURS, 'PRIMARY', undefined, { desired: 2, running: 2 }),
        deployment(OLD, 'ACTIVE', undefined, { desired: 0, running: 1 }),
      ]),
      { kind: 'waiting', seen: true },
    ],
  ])('judgeDeployment: %s', (_, input, expected) => {
    expect(judgeDeployment(input)).toEqual(expected);
  });

  it('judgeDeployment: a deployment we stopped before any look saw it is replaced once another revision is PRIMARY', () => {
    // The strategy gate stopped it at its first probe; ECS dropped the green deployment, which never
    // started a task, and the old revision is PRIMARY: without `stopped` this waited until the timeout.
    const deployments = [deployment(OLD, 'PRIMARY', 'COMPLETED')];
    expect(judgeDeployment({ ...watch(deployments), stopped: true })).toMatchObject({
      kind: 'failed',
      reason: 'DeploymentReplaced',
      movedOn: OLD,
    });
    expect(judgeDeployment(watch(deployments))).toEqual({ kind: 'waiting', seen: false });
    // Stopped, but no other revision PRIMARY yet: ECS is still moving back, keep looking.
    expect(judgeDeployment({ ...watch([]), stopped: true })).toEqual({ kind: 'waiting', seen: false });
  });

  it('judgeDeployment fails with RolloutTimeout once the wait reaches its limit while still waiting', () => {
    const rolling = [deployment(OURS, 'PRIMARY', 'IN_PROGRESS')];
    expect(judgeDeployment(watch(rolling, true, 599_999))).toEqual({ kind: 'waiting', seen: true });
    expect(judgeDeployment(watch(rolling, true, 600_000))).toEqual({
      kind: 'failed',
      reason: 'RolloutTimeout',
      message: `the deployment of ${OURS} did not complete within 600s`,
    });
  });

  it('judgeDeployment lets a deployment that ended at the limit keep its own verdict, not a timeout', () => {
    expect(judgeDeployment(watch([deployment(OURS, 'PRIMARY', 'COMPLETED')], true, 900_000))).toEqual({
      kind: 'completed',
    });
  });
});
