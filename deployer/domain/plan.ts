// Decides what reconcile does for one service: nothing, a rollout from the live image to the chosen
// one, or nothing *because* of something an operator must know about. Compares digests only: the
// same digest through another registry host form or tag is the same image.
import { formatImageRef, isDigest, parseImageRef, sameRepository } from './image-ref.ts';
import { rolloutId } from './rollout-id.ts';
import type { BlockedCause, ImageChoice, LiveImage, Plan, ServiceConfig } from './types.ts';

export interface PlanInput {
  service: ServiceConfig;
  /** desiredSpec(service, live template): what the rollout id depends on besides name and digest. */
  desiredSpec: string;
  /** chooseImage(service.image, images). */
  choice: ImageChoice;
  /** RegistryPort.repositoryUri(service.image.repository). */
  repositoryUri: string;
  live: LiveImage | undefined;
  /** Digests whose rollout failed before: not retried on their own, only when forced. */
  failedDigests: ReadonlySet<string>;
  /** config.suspended or a runtime suspension. */
  suspended: boolean;
  /** A manual sync: retries a digest that failed before. */
  force?: boolean;
}

const short = (digest: string) => digest.slice(0, 19);
const blocked = (cause: BlockedCause, reason: string): Plan => ({ kind: 'blocked', cause, reason });
const named = (digest: string, tag: string | undefined) =>
  tag ? `${tag} (${short(digest)})` : short(digest);

function describeLive(live: LiveImage | undefined): string {
  if (live === undefined) return 'nothing live';
  return live.digest === undefined ? `${live.image} (a tag, not a digest)` : short(live.digest);
}

/**
 * What really retries a failed digest (issue 18 item 7): a new digest, or a manual sync (which forgets
 * the failed digests). A config change that keeps the digest does not: a failure is judged by digest,
 * and a fixed verify.url is no proof that the image works (docs/deployer.md, "Failed digests").
 */
export const RETRY_HINT = (name: string) =>
  `push a new image (a new digest) or run \`npx ecs-gitops sync ${name}\` to retry it; a config change that keeps this digest does not retry it`;

export function planRollout(input: PlanInput): Plan {
  const { service, choice, live } = input;
  const name = service.name;
  if (input.suspended) return blocked('suspended', `${name} is suspended; resume it to deploy again`);
  if (!choice.ok) return blocked('no-image', `${name}: ${choice.reason}`);
  if (!isDigest(choice.digest))
    return blocked('no-image', `${name}: the registry reported "${choice.digest}", not a sha256 digest`);

  const target = targetImage(input.repositoryUri, service.image.repository, choice.digest);
  if (!target.ok) return blocked(target.cause, `${name}: ${target.reason}`);

  if (live?.digest === choice.digest) {
    const held = choice.held
      ? `; held by the pin: ${choice.held.tag ?? short(choice.held.digest)} fits the track policy (remove the pin to roll it out)`
      : '';
    return { kind: 'noop', reason: `${name} runs ${named(choice.digest, choice.tag)} as desired${held}` };
  }

  const failed = input.failedDigests.has(choice.digest);
  if (failed && input.force !== true)
    return blocked(
      'failed-digest',
      `${name}: ${named(choice.digest, choice.tag)} failed to roll out before; ` + RETRY_HINT(name),
    );

  const to: { image: string; digest: string; tag?: string } = { image: target.image, digest: choice.digest };
  if (choice.tag !== undefined) to.tag = choice.tag;
  const retry = failed ? ' (forced retry of a digest that failed before)' : '';
  return {
    kind: 'rollout',
    rolloutId: rolloutId(name, choice.digest, input.desiredSpec),
    from: live,
    to,
    reason: `${choice.reason}; replacing ${describeLive(live)}${retry}`,
  };
}

type Target = { ok: true; image: string } | { ok: false; cause: BlockedCause; reason: string };

/**
 * `repositoryUri@digest`, refused when the registry's answer is not an image reference or names
 * another repository than the config (images outside the configured repository are never deployed).
 */
function targetImage(repositoryUri: string, configured: string, digest: string): Target {
  const uri = parseImageRef(repositoryUri);
  if (!uri.ok || uri.value.tag !== undefined || uri.value.digest !== undefined)
    return { ok: false, cause: 'no-image', reason: `repository URI "${repositoryUri}" is not a repository` };
  const wanted = parseImageRef(configured);
  if (!wanted.ok || !sameRepository(uri.value, wanted.value))
    return {
      ok: false,
      cause: 'foreign-image',
      reason: `repository URI "${repositoryUri}" is outside the configured repository "${configured}"`,
    };
  return { ok: true, image: formatImageRef({ ...uri.value, digest }) };
}
