// EventBridge "ECR Image Action" events as image-push messages (the AWS documentation sample is
// test/integration/adapters/fixtures/ecr-image-action.json).
// Only a successful PUSH is one; every other ECR or EventBridge event is recognised and ignored with
// the reason. Only a value that is not an event at all is an error. Never throws.
import { DeployerError, err, ok, type Result } from '../errors.ts';
import type { QueueMessage } from '../types.ts';

export type ImagePush = Extract<QueueMessage, { kind: 'image-push' }>;

export type EcrEventOutcome =
  | { kind: 'image-push'; message: ImagePush }
  | { kind: 'ignored'; reason: string };

export const ECR_EVENT_SOURCE = 'aws.ecr';
export const ECR_IMAGE_ACTION = 'ECR Image Action';

// Lenient on length on purpose: AWS's own documented sample carries a 60-hex digest. The message is
// only a hint; reconcile resolves digests from the registry, so a bad one here cannot deploy anything.
const DIGEST = /^sha256:[0-9a-f]+$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const ignored = (reason: string) => ok({ kind: 'ignored' as const, reason });
// Names from untrusted input go into reasons (and logs) quoted and bounded; other values only by type,
// so that no value (a huge object, a BigInt, a cycle) can make describing it fail.
const show = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 100));
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number')
    return String(value);
  return `(${Array.isArray(value) ? 'array' : typeof value})`;
};

export function parseEcrEvent(event: unknown): Result<EcrEventOutcome> {
  if (!isObject(event))
    return err(new DeployerError('EVENT_INVALID', 'invalid EventBridge event: not a JSON object'));
  if (event.source !== ECR_EVENT_SOURCE) return ignored(`source ${show(event.source)} is not aws.ecr`);
  const detailType = event['detail-type'];
  if (detailType !== ECR_IMAGE_ACTION)
    return ignored(`detail-type ${show(detailType)} is not ECR Image Action`);
  const detail = event.detail;
  if (!isObject(detail)) return ignored('ECR Image Action without a detail object');
  const action = detail['action-type'];
  if (action !== 'PUSH') return ignored(`action ${show(action)} is not a push`);
  if (detail.result !== 'SUCCESS') return ignored(`push result ${show(detail.result)} is not SUCCESS`);
  const repository = detail['repository-name'];
  if (!isText(repository)) return ignored('push without a repository-name');
  const digest = detail['image-digest'];
  if (!isText(digest)) return ignored(`push to ${show(repository)} without an image-digest`);
  if (!DIGEST.test(digest))
    return ignored(`push to ${show(repository)} with digest ${show(digest)} that is not sha256`);
  if (!isText(event.time)) return ignored(`push to ${show(repository)} without an event time`);
  const message: ImagePush = { kind: 'image-push', repository, digest, pushedAt: event.time };
  // A push by digest carries no tag; the field is then absent rather than empty.
  if (isText(detail['image-tag'])) message.tag = detail['image-tag'];
  return ok({ kind: 'image-push', message });
}
