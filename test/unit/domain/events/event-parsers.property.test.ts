// Property tests: whatever arrives at the webhook or on the queue, the parsers answer with a value,
// never an exception, and what they accept survives the queue's wire format unchanged. A GitHub push
// is typed by GitHub's schema (the route turns a schema break into a 400), so its pushes vary within it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEcrEvent } from '../../../../deployer/domain/events/ecr-event.ts';
import { decidePush, type PushPayload } from '../../../../deployer/domain/events/github-push.ts';
import { decodeQueueBody } from '../../../../deployer/domain/events/queue-body.ts';
import { encodeMessage } from '../../../../deployer/domain/events/queue-message.ts';
import type { QueueMessage } from '../../../../deployer/domain/types.ts';
import { propertyRuns } from '../../../support/property-runs.ts';

const RUNS = 10_000;
const hex = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength, maxLength });

/** A plausible value for a field most of the time, anything at all sometimes. */
const field = <T>(...plausible: fc.Arbitrary<T>[]) =>
  fc.oneof(...plausible.map((arbitrary) => ({ arbitrary, weight: 100 })), {
    arbitrary: fc.anything({ maxDepth: 2 }),
    weight: 2,
  });
/** Records whose keys are all there most of the time, and any subset of them sometimes. */
const recordOf = <T extends Record<string, unknown>>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.oneof(
    { arbitrary: fc.record(model), weight: 4 },
    { arbitrary: fc.record(model, { requiredKeys: [] }), weight: 1 },
  );
const path = fc.oneof(
  fc.constantFrom('config/services/actors.yaml', 'README.md', 'config', 'configs/x', './config/a'),
  fc.string({ maxLength: 30 }),
);
const commit = fc.record({
  id: hex(40, 40),
  added: fc.array(path, { maxLength: 4 }),
  modified: fc.array(path, { maxLength: 4 }),
  removed: fc.array(path, { maxLength: 4 }),
});
const sha = fc.oneof(fc.constant('0'.repeat(40)), hex(40, 40), hex(64, 64), fc.string({ maxLength: 50 }));
// Any push within GitHub's schema for the fields the decision reads.
const schemaPush = fc.record({
  ref: fc.oneof(
    fc.constantFrom('refs/heads/main', 'refs/heads/main', 'refs/heads/dev', 'refs/tags/v1', ''),
    fc.string(),
  ),
  before: sha,
  after: sha,
  repository: fc.record({ full_name: fc.constantFrom('octo/gitops', 'Octo/GitOps', 'octo/other') }),
  deleted: fc.constantFrom(false, false, false, true),
  forced: fc.constantFrom(false, false, false, true),
  created: fc.constantFrom(false, false, false, true),
  commits: fc.array(commit, { maxLength: 5 }),
  head_commit: fc.oneof(commit, fc.constant(null)),
});
// A push as GitHub sends it to the tracked branch: the head is the last listed commit. Commit ids
// never all zeros (that means "no commit" to GitHub).
const commitId = hex(39, 39).map((h) => `f${h}`);
const coherentPush = fc
  .record({
    before: commitId,
    forced: fc.constantFrom(false, false, false, true),
    commits: fc.array(
      fc.record({
        id: commitId,
        added: fc.array(path, { maxLength: 3 }),
        modified: fc.array(path, { maxLength: 3 }),
        removed: fc.array(path, { maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  })
  .map((p) => {
    const head = p.commits[p.commits.length - 1];
    return {
      ...p,
      ref: 'refs/heads/main',
      after: head?.id,
      head_commit: head,
      deleted: false,
      created: false,
      repository: { full_name: 'octo/gitops' },
    };
  });
const configDir = fc.constantFrom('config', './config/', '', '.', 'deploy/config');

/** What the queue would deliver for this message: encode, then decode again. */
function viaQueue(message: QueueMessage): QueueMessage {
  const decoded = decodeQueueBody(encodeMessage(message));
  if (decoded.kind !== 'message')
    throw new Error(
      `the queue does not take ${encodeMessage(message)} as a message: ${JSON.stringify(decoded)}`,
    );
  return decoded.message;
}

describe('decidePush properties', () => {
  const FILTER = { trackedRef: 'refs/heads/main', repository: 'octo/gitops' };

  it('never throws on a schema-shaped push; errors are EVENT_INVALID 400; hints survive the queue', () => {
    fc.assert(
      fc.property(schemaPush, fc.uuid(), configDir, (p, id, dir) => {
        const result = decidePush(p as unknown as PushPayload, id, { ...FILTER, configDir: dir });
        if (!result.ok) {
          expect(result.error.code).toBe('EVENT_INVALID');
          expect(result.error.httpStatus).toBe(400);
          return;
        }
        if (result.value.kind === 'queue') {
          expect(viaQueue(result.value.hint)).toEqual(result.value.hint);
          expect(result.value.hint).toEqual({ kind: 'git-push', deliveryId: id, after: p.after });
          expect(p.ref).toBe('refs/heads/main');
          expect(p.repository.full_name.toLowerCase()).toBe('octo/gitops');
          expect(p.deleted).toBe(false);
        } else expect(result.value.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  it('queues a coherent push exactly when it touched config/ (or was forced)', () => {
    const underConfig = (path: string) => /^(\.\/)*\/*config(\/|$)/.test(path);
    fc.assert(
      fc.property(coherentPush, fc.uuid(), (p, id) => {
        const result = decidePush(p as unknown as PushPayload, id, { ...FILTER, configDir: 'config' });
        const touched = p.commits.some((c) => [...c.added, ...c.modified, ...c.removed].some(underConfig));
        expect(result.ok && result.value.kind).toBe(p.forced || touched ? 'queue' : 'ignored');
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });
});

const ecrEvent = recordOf({
  source: field(fc.constantFrom('aws.ecr', 'aws.ecr', 'aws.s3')),
  'detail-type': field(fc.constantFrom('ECR Image Action', 'ECR Image Action', 'ECR Image Scan')),
  time: field(fc.constant('2026-11-25T10:00:00Z')),
  detail: field(
    recordOf({
      'action-type': field(fc.constantFrom('PUSH', 'PUSH', 'DELETE')),
      result: field(fc.constantFrom('SUCCESS', 'SUCCESS', 'FAILURE')),
      'repository-name': field(fc.constantFrom('actors', 'team/web')),
      'image-digest': field(hex(1, 64).map((h) => `sha256:${h}`)),
      'image-tag': field(fc.constantFrom('latest', '1.0.0', '')),
    }),
  ),
});

describe('parseEcrEvent properties', () => {
  it('never throws; only non-objects are errors; pushes survive the queue', () => {
    fc.assert(
      fc.property(
        fc.oneof(ecrEvent, fc.anything({ maxDepth: 3, withBigInt: true, withMap: true })),
        (event) => {
          const result = parseEcrEvent(event);
          const isObject = typeof event === 'object' && event !== null && !Array.isArray(event);
          expect(result.ok).toBe(isObject);
          if (!result.ok) {
            expect(result.error.code).toBe('EVENT_INVALID');
            return;
          }
          if (result.value.kind === 'image-push') {
            expect(viaQueue(result.value.message)).toEqual(result.value.message);
            expect(result.value.message.digest).toMatch(/^sha256:[0-9a-f]+$/);
          } else expect(result.value.reason.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: propertyRuns(RUNS) },
    );
  });
});
