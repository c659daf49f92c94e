// Property tests: whatever arrives at the webhook or on the queue, the parsers answer with a value,
// never an exception, and what they accept survives the queue's wire format unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEcrEvent } from '../../../../deployer/domain/events/ecr-event.ts';
import { type GithubDelivery, parseGithubEvent } from '../../../../deployer/domain/events/github-push.ts';
import { decodeMessage, encodeMessage } from '../../../../deployer/domain/events/queue-message.ts';
import type { QueueMessage } from '../../../../deployer/domain/types.ts';

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
const commit = recordOf({
  id: field(hex(40, 40)),
  added: field(fc.array(path, { maxLength: 4 })),
  modified: field(fc.array(path, { maxLength: 4 })),
  removed: field(fc.array(path, { maxLength: 4 })),
});
const sha = fc.oneof(fc.constant('0'.repeat(40)), hex(40, 40));
const pushPayload = recordOf({
  ref: field(fc.constantFrom('refs/heads/main', 'refs/heads/main', 'refs/heads/dev', 'refs/tags/v1', '')),
  before: field(sha),
  after: field(sha),
  repository: field(recordOf({ full_name: field(fc.constant('octo/gitops')) })),
  deleted: field(fc.constantFrom(false, false, false, true)),
  forced: field(fc.constantFrom(false, false, false, true)),
  created: field(fc.constantFrom(false, false, false, true)),
  commits: field(fc.array(field(commit), { maxLength: 5 })),
  head_commit: field(commit, fc.constant(null)),
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
const rawBody = fc.oneof(
  { arbitrary: pushPayload.map((p) => JSON.stringify(p) ?? ''), weight: 8 },
  { arbitrary: coherentPush.map((p) => JSON.stringify(p)), weight: 8 },
  { arbitrary: fc.json({ maxDepth: 3 }), weight: 1 },
  { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
  { arbitrary: fc.constant('payload=%7B%7D'), weight: 1 },
);
const delivery = fc.record({
  eventName: fc.option(
    fc.oneof(
      { arbitrary: fc.constantFrom('push', 'push', 'push', 'ping', 'issues', 'PUSH'), weight: 10 },
      { arbitrary: fc.string(), weight: 1 },
    ),
    {
      nil: undefined,
      freq: 20,
    },
  ),
  deliveryId: fc.option(field(fc.uuid(), fc.string()), { nil: undefined, freq: 20 }),
  rawBody,
});
const configDir = fc.constantFrom('config', './config/', '', '.', 'deploy/config');

/** What the queue would deliver for this message: encode, then decode again. */
function viaQueue(message: QueueMessage): QueueMessage {
  const decoded = decodeMessage(encodeMessage(message));
  if (!decoded.ok) throw new Error(`the queue refuses ${encodeMessage(message)}: ${decoded.error.message}`);
  return decoded.value;
}

describe('parseGithubEvent properties', () => {
  it('never throws; errors are EVENT_INVALID 400; pushes survive the queue', () => {
    fc.assert(
      fc.property(delivery, configDir, (d, dir) => {
        // Header values may be anything at all (an array for a repeated header, say).
        const result = parseGithubEvent(d as GithubDelivery, { configDir: dir });
        if (!result.ok) {
          expect(result.error.code).toBe('EVENT_INVALID');
          expect(result.error.httpStatus).toBe(400);
          return;
        }
        if (result.value.kind === 'push') {
          expect(viaQueue(result.value.message)).toEqual(result.value.message);
          expect(result.value.message.deliveryId).toBe(d.deliveryId);
        }
        if (result.value.kind === 'ignored') expect(result.value.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('says exactly whether a coherent push touched config/ (or was forced)', () => {
    const underConfig = (path: string) => /^(\.\/)*\/*config(\/|$)/.test(path);
    fc.assert(
      fc.property(coherentPush, fc.uuid(), (p, id) => {
        const result = parseGithubEvent(
          { eventName: 'push', deliveryId: id, rawBody: JSON.stringify(p) },
          { configDir: 'config' },
        );
        const touched = p.commits.some((c) => [...c.added, ...c.modified, ...c.removed].some(underConfig));
        expect(result).toMatchObject({
          ok: true,
          value: { message: { configChanged: p.forced || touched } },
        });
      }),
      { numRuns: 2_000 },
    );
  });

  it('reports a change whenever a listed file is under the config directory', () => {
    const onMain = pushPayload.map((p) => ({
      ...p,
      ref: 'refs/heads/main',
      before: 'a'.repeat(40),
      after: 'b'.repeat(40),
      deleted: false,
      repository: { full_name: 'octo/gitops' },
      commits: [{ id: 'c', added: ['config/services/x.yaml'] }],
    }));
    fc.assert(
      fc.property(onMain, (p) => {
        const result = parseGithubEvent(
          { eventName: 'push', deliveryId: 'd', rawBody: JSON.stringify(p) },
          {
            configDir: 'config',
          },
        );
        // Extra fields may make the payload invalid, but a valid one must see the config change.
        if (result.ok) expect(result.value).toMatchObject({ kind: 'push', message: { configChanged: true } });
      }),
      { numRuns: 2_000 },
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
      { numRuns: RUNS },
    );
  });
});
