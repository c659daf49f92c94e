// The JSON Schema of the status the deployer reports (status-model.ts): the Fastify response schema of
// GET /status and GET /status/:service, and what the CLI checks an answer against before it trusts it.
// One definition, so the server cannot send what the client would refuse. Objects are closed
// (`additionalProperties: false`): a field added to the model without the schema fails the tests.
import { TRIGGER_KINDS } from '../domain/rollout-trigger.ts';
import { DRIFT_STATES, HEALTH_STATES, ROLLOUT_RESULTS, ROLLOUT_STEPS, SYNC_STATES } from './status-model.ts';

const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;
const closed = (properties: Record<string, unknown>, required: string[]) =>
  ({ type: 'object', additionalProperties: false, properties, required }) as const;

/** RolloutTrigger (deployer/domain/rollout-trigger.ts). */
export const rolloutTriggerSchema = closed(
  {
    kind: { enum: [...TRIGGER_KINDS] },
    commit: text,
    author: text,
    message: text,
    repository: text,
    tag: text,
    token: text,
  },
  ['kind'],
);

const imageStatus = closed({ image: text, digest: text, tag: text, taskDefinitionArn: text }, ['image']);
const nullableImage = { anyOf: [imageStatus, { type: 'null' }] };

const trackPolicy = {
  anyOf: [
    closed({ pin: text }, ['pin']),
    closed({ semver: text, prerelease: { type: 'boolean' } }, ['semver']),
    closed({ glob: text }, ['glob']),
    closed({ regex: text }, ['regex']),
    closed({ latest: { const: true } }, ['latest']),
  ],
};

const heldByPin = closed({ digest: text, tag: text, track: trackPolicy }, ['digest', 'track']);

const desired = closed(
  { image: text, digest: text, tag: text, reason: text, policy: trackPolicy, heldByPin },
  ['image', 'digest', 'reason', 'policy'],
);

const live = closed({ image: text, digest: text, tag: text, taskDefinitionArn: text }, [
  'image',
  'taskDefinitionArn',
]);

const sync = closed({ state: { enum: [...SYNC_STATES] }, reason: text, message: text, since: text }, [
  'state',
  'reason',
  'message',
  'since',
]);

const count = { type: 'integer', minimum: 0 } as const;

const verifyProgress = closed(
  {
    url: text,
    probe: count,
    maxProbes: count,
    streak: count,
    successesNeeded: count,
    expectedDigest: text,
    lastStatus: count,
    lastDigest: text,
    lastAnswer: text,
    deadline: text,
  },
  ['url', 'probe', 'maxProbes', 'streak', 'successesNeeded', 'expectedDigest', 'lastAnswer', 'deadline'],
);

const currentRollout = closed(
  {
    id: text,
    step: { enum: [...ROLLOUT_STEPS] },
    failedStep: { enum: [...ROLLOUT_STEPS] },
    startedAt: text,
    from: nullableImage,
    to: imageStatus,
    verify: verifyProgress,
    trigger: rolloutTriggerSchema,
  },
  ['id', 'step', 'startedAt', 'from', 'to'],
);

const stoppedTask = closed(
  {
    taskArn: text,
    taskId: text,
    stoppedReason: text,
    stopCode: text,
    stoppedAt: text,
    containers: {
      type: 'array',
      items: closed({ name: text, exitCode: { type: 'integer' }, reason: text }, ['name']),
    },
    logLines: { type: 'array', items: text },
    logs: closed({ group: text, stream: text, url: text }, ['group', 'stream']),
    url: text,
  },
  ['taskArn', 'taskId', 'stoppedReason', 'containers', 'logLines'],
);

const rolloutFailure = closed(
  {
    rolloutId: text,
    digest: text,
    reason: text,
    at: text,
    taskDefinitionArn: text,
    stoppedTasks: { type: 'array', items: stoppedTask },
    deploymentsUrl: text,
    notes: { type: 'array', items: text },
  },
  ['rolloutId', 'digest', 'reason', 'at', 'taskDefinitionArn', 'stoppedTasks', 'notes'],
);

const rolloutRecord = closed(
  {
    id: text,
    from: nullableImage,
    to: imageStatus,
    result: { enum: [...ROLLOUT_RESULTS] },
    startedAt: text,
    finishedAt: text,
    durationMs: { type: 'number' },
    reason: text,
    configRevision: text,
    taskDefinitionArn: text,
    trigger: rolloutTriggerSchema,
  },
  ['id', 'from', 'to', 'result', 'startedAt', 'finishedAt', 'durationMs', 'reason', 'configRevision'],
);

const failedDigest = closed({ digest: text, reason: text, failedAt: text, rolloutId: text }, [
  'digest',
  'reason',
  'failedAt',
  'rolloutId',
]);

const gate = closed(
  {
    reason: { enum: ['PendingApproval', 'OutsideWindow'] },
    digest: text,
    message: text,
    opensAt: text,
  },
  ['reason', 'digest', 'message'],
);

const githubStatus = closed(
  {
    deployment: closed(
      {
        id: { type: 'number' },
        rolloutId: text,
        state: text,
        sha: text,
        description: text,
        url: text,
        updatedAt: text,
      },
      ['id', 'rolloutId', 'state', 'sha', 'description', 'url', 'updatedAt'],
    ),
    pinPullRequest: closed(
      { number: { type: 'number' }, url: text, digest: text, tag: text, openedAt: text },
      ['number', 'url', 'digest', 'openedAt'],
    ),
  },
  [],
);

const serviceEvent = closed({ id: text, createdAt: text, message: text }, ['id', 'createdAt', 'message']);

const taskCounts = closed({ desired: count, running: count, pending: count, observedAt: text }, [
  'desired',
  'running',
  'pending',
  'observedAt',
]);
const health = closed({ state: { enum: [...HEALTH_STATES] }, message: text }, ['state', 'message']);
const drift = closed({ state: { enum: [...DRIFT_STATES] }, message: text }, ['state', 'message']);

export const serviceStatusSchema = closed(
  {
    name: text,
    desired: { anyOf: [desired, { type: 'null' }] },
    live: { anyOf: [live, { type: 'null' }] },
    sync,
    suspended: { type: 'boolean' },
    currentRollout: { anyOf: [currentRollout, { type: 'null' }] },
    recentRollouts: { type: 'array', items: rolloutRecord },
    failedDigests: { type: 'array', items: failedDigest },
    events: { type: 'array', items: serviceEvent },
    lastReconciledAt: nullableText,
    gate,
    health,
    drift,
    tasks: { anyOf: [taskCounts, { type: 'null' }] },
    lastFailure: rolloutFailure,
    github: githubStatus,
  },
  [
    'name',
    'desired',
    'live',
    'sync',
    'suspended',
    'currentRollout',
    'recentRollouts',
    'failedDigests',
    'events',
    'lastReconciledAt',
  ],
);

const configError = closed(
  { file: text, line: { type: 'number' }, column: { type: 'number' }, field: text, message: text },
  ['file', 'line', 'column', 'field', 'message'],
);

export const deployerStatusSchema = closed(
  {
    mode: { enum: ['local', 'aws'] },
    version: text,
    startedAt: text,
    config: closed(
      {
        revision: nullableText,
        lastAppliedRevision: nullableText,
        lastAttemptedRevision: nullableText,
        errors: { type: 'array', items: configError },
        headRevision: nullableText,
        readAt: nullableText,
      },
      ['revision', 'lastAppliedRevision', 'lastAttemptedRevision', 'errors', 'headRevision', 'readAt'],
    ),
    queue: closed({ visible: { type: ['number', 'null'] }, inFlight: { type: ['number', 'null'] } }, [
      'visible',
      'inFlight',
    ]),
    services: { type: 'array', items: serviceStatusSchema },
  },
  ['mode', 'version', 'startedAt', 'config', 'queue', 'services'],
);
