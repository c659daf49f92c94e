// The JSON Schema of the status the deployer reports (status-model.ts): the Fastify response schema of
// GET /status and GET /status/:service, and what the CLI checks an answer against before it trusts it.
// One definition, so the server cannot send what the client would refuse. Built from schema-builder.ts:
// objects are closed, and a field is required unless marked optional().
import { TRIGGER_KINDS } from '../domain/rollout-trigger.ts';
import { arrayOf, closed, count, nullableText, optional, orNull, text } from './schema-builder.ts';
import { DRIFT_STATES, HEALTH_STATES, ROLLOUT_RESULTS, ROLLOUT_STEPS, SYNC_STATES } from './status-model.ts';

/** RolloutTrigger (deployer/domain/rollout-trigger.ts). */
export const rolloutTriggerSchema = closed({
  kind: { enum: [...TRIGGER_KINDS] },
  commit: optional(text),
  author: optional(text),
  message: optional(text),
  repository: optional(text),
  tag: optional(text),
  token: optional(text),
});

const imageStatus = closed({
  image: text,
  digest: optional(text),
  tag: optional(text),
  taskDefinitionArn: optional(text),
});
const nullableImage = orNull(imageStatus);

const trackPolicy = {
  anyOf: [
    closed({ pin: text }),
    closed({ semver: text, prerelease: optional({ type: 'boolean' }) }),
    closed({ glob: text }),
    closed({ regex: text }),
    closed({ latest: { const: true } }),
  ],
};

const heldByPin = closed({ digest: text, tag: optional(text), track: trackPolicy });

const desired = closed({
  image: text,
  digest: text,
  tag: optional(text),
  reason: text,
  policy: trackPolicy,
  heldByPin: optional(heldByPin),
});

const live = closed({ image: text, digest: optional(text), tag: optional(text), taskDefinitionArn: text });

const sync = closed({ state: { enum: [...SYNC_STATES] }, reason: text, message: text, since: text });

const verifyProgress = closed({
  url: text,
  probe: count,
  maxProbes: count,
  streak: count,
  successesNeeded: count,
  expectedDigest: text,
  lastStatus: optional(count),
  lastDigest: optional(text),
  lastAnswer: text,
  deadline: text,
});

const strategyProgress = closed({
  strategy: { enum: ['blue-green', 'linear', 'canary'] },
  serviceDeploymentArn: text,
  stage: optional(text),
  phase: text,
  phaseEndsAt: optional(text),
  productionPercent: optional({ type: 'number', minimum: 0, maximum: 100 }),
  testPercent: optional({ type: 'number', minimum: 0, maximum: 100 }),
  newAnswers: count,
  oldAnswers: count,
});

const currentRollout = closed({
  id: text,
  step: { enum: [...ROLLOUT_STEPS] },
  failedStep: optional({ enum: [...ROLLOUT_STEPS] }),
  startedAt: text,
  from: nullableImage,
  to: imageStatus,
  verify: optional(verifyProgress),
  strategy: optional(strategyProgress),
  trigger: optional(rolloutTriggerSchema),
});

const stoppedTask = closed({
  taskArn: text,
  taskId: text,
  stoppedReason: text,
  stopCode: optional(text),
  stoppedAt: optional(text),
  containers: arrayOf(
    closed({ name: text, exitCode: optional({ type: 'integer' }), reason: optional(text) }),
  ),
  logLines: arrayOf(text),
  logs: optional(closed({ group: text, stream: text, url: optional(text) })),
  url: optional(text),
});

const rolloutFailure = closed({
  rolloutId: text,
  digest: text,
  reason: text,
  at: text,
  taskDefinitionArn: text,
  stoppedTasks: arrayOf(stoppedTask),
  deploymentsUrl: optional(text),
  notes: arrayOf(text),
});

const rolloutRecord = closed({
  id: text,
  from: nullableImage,
  to: imageStatus,
  result: { enum: [...ROLLOUT_RESULTS] },
  startedAt: text,
  finishedAt: text,
  durationMs: { type: 'number' },
  reason: text,
  configRevision: text,
  taskDefinitionArn: optional(text),
  trigger: optional(rolloutTriggerSchema),
});

const failedDigest = closed({
  digest: text,
  reason: text,
  failedAt: text,
  rolloutId: text,
  message: optional(text),
});

const gate = closed({
  reason: { enum: ['PendingApproval', 'OutsideWindow'] },
  digest: text,
  message: text,
  opensAt: optional(text),
});

const githubStatus = closed({
  deployment: optional(
    closed({
      id: { type: 'number' },
      rolloutId: text,
      state: text,
      sha: text,
      description: text,
      url: text,
      updatedAt: text,
    }),
  ),
  pinPullRequest: optional(
    closed({ number: { type: 'number' }, url: text, digest: text, tag: optional(text), openedAt: text }),
  ),
});

const serviceEvent = closed({ id: text, createdAt: text, message: text });

const taskCounts = closed({ desired: count, running: count, pending: count, observedAt: text });
const health = closed({ state: { enum: [...HEALTH_STATES] }, message: text });
const drift = closed({ state: { enum: [...DRIFT_STATES] }, message: text });

const promotedDigest = closed({ digest: text, tag: optional(text), verifiedAt: text });
/** PipelineStatus (pipeline-status.ts). */
const pipeline = closed({
  service: text,
  environment: text,
  stages: arrayOf(text),
  promotion: optional(
    closed({
      from: text,
      soakMinutes: count,
      promoted: optional(promotedDigest),
      soaking: optional(closed({ digest: text, tag: optional(text), verifiedAt: text, until: text })),
      refused: arrayOf(closed({ digest: text, tag: optional(text), environment: text, reason: text })),
    }),
  ),
});

export const serviceStatusSchema = closed({
  name: text,
  desired: orNull(desired),
  live: orNull(live),
  sync,
  suspended: { type: 'boolean' },
  currentRollout: orNull(currentRollout),
  recentRollouts: arrayOf(rolloutRecord),
  failedDigests: arrayOf(failedDigest),
  events: arrayOf(serviceEvent),
  lastReconciledAt: nullableText,
  gate: optional(gate),
  health: optional(health),
  drift: optional(drift),
  tasks: optional(orNull(taskCounts)),
  lastFailure: optional(rolloutFailure),
  github: optional(githubStatus),
  pipeline: optional(pipeline),
});

const configError = closed({
  file: text,
  line: { type: 'number' },
  column: { type: 'number' },
  field: text,
  message: text,
});

export const deployerStatusSchema = closed({
  mode: { enum: ['local', 'aws'] },
  version: text,
  startedAt: text,
  config: closed({
    revision: nullableText,
    lastAppliedRevision: nullableText,
    lastAttemptedRevision: nullableText,
    errors: arrayOf(configError),
    headRevision: nullableText,
    readAt: nullableText,
  }),
  queue: closed({ visible: { type: ['number', 'null'] }, inFlight: { type: ['number', 'null'] } }),
  services: arrayOf(serviceStatusSchema),
});
