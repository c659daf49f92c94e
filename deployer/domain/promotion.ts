// Which digest an environment promoted from another one runs (`promote: { from, after: verified,
// soakMinutes }`): the newest digest whose rollout succeeded (served and verified) upstream and has run
// there for the soak time, never one that failed in any environment of the pipeline. The upstream's
// record is in ECS: the tags of its task definition revisions (revision-tags.ts), so every replica and
// every restart reads the same answer. Pure: the caller reads the revisions and knows the clock.
import { hasFailed, type RevisionRecord } from './revision-tags.ts';
import { shortDigest } from './short-digest.ts';
import type { ImageChoice, PromoteSettings } from './types.ts';

/** A digest known to have failed in one environment of the pipeline (a target name: `actors@staging`). */
export interface PipelineFailure {
  digest: string;
  environment: string;
  reason: string;
}

export interface PromotionInput {
  promote: PromoteSettings;
  /** The upstream's recent revisions (its task definition family), newest first. */
  upstream: readonly RevisionRecord[];
  /** Failures known elsewhere in the pipeline (status memory of every environment, this one's history). */
  failures: readonly PipelineFailure[];
  now: Date;
  /** The digest this environment runs now, if any: kept while nothing may move. */
  live: string | undefined;
  /** The registry's tag of a digest, for the messages. */
  tagOf?: (digest: string) => string | undefined;
}

interface Candidate {
  digest: string;
  tag?: string;
  /** When its rollout upstream succeeded (ISO 8601). */
  verifiedAt: string;
}

/** How the pipeline looks from this environment; the status shows it. */
export interface PromotionStatus {
  from: string;
  soakMinutes: number;
  /** The digest promoted here: the newest verified, soaked and never failed upstream. */
  promoted?: Candidate;
  /** A newer verified digest that has not soaked long enough yet. */
  soaking?: Candidate & { until: string };
  /** Newer digests of the upstream that will not move here, and why. */
  refused: (Omit<Candidate, 'verifiedAt'> & { environment: string; reason: string })[];
}

export interface Promotion {
  choice: ImageChoice;
  status: PromotionStatus;
}

const MINUTE_MS = 60_000;

export function promotion(input: PromotionInput): Promotion {
  const { promote, now } = input;
  const tagOf = (digest: string) => input.tagOf?.(digest);
  const withTag = <T extends { digest: string }>(value: T): T & { tag?: string } => {
    const tag = tagOf(value.digest);
    return tag === undefined ? value : { ...value, tag };
  };
  const attempts = input.upstream.filter(
    (r): r is RevisionRecord & { digest: string } => r.service === promote.from && r.digest !== undefined,
  );
  // Any failed attempt counts, upstream or anywhere else: a digest that failed once never moves on.
  const failed = new Map<string, PipelineFailure>();
  for (const failure of input.failures) if (!failed.has(failure.digest)) failed.set(failure.digest, failure);
  for (const r of attempts)
    if (hasFailed(r) && !failed.has(r.digest))
      failed.set(r.digest, { digest: r.digest, environment: promote.from, reason: r.reason ?? 'Failed' });

  const status: PromotionStatus = { from: promote.from, soakMinutes: promote.soakMinutes, refused: [] };
  const seen = new Set<string>();
  for (const r of attempts) {
    if (seen.has(r.digest)) continue;
    seen.add(r.digest);
    const failure = failed.get(r.digest);
    if (failure) {
      status.refused.push(
        withTag({ digest: r.digest, environment: failure.environment, reason: failure.reason }),
      );
      continue;
    }
    const verifiedAt = r.result === 'Succeeded' ? parseTime(r.finishedAt) : undefined;
    if (verifiedAt === undefined) continue; // still rolling out upstream, or a record without a time
    const candidate = withTag({ digest: r.digest, verifiedAt: verifiedAt.toISOString() });
    const soakedAt = new Date(verifiedAt.getTime() + promote.soakMinutes * MINUTE_MS);
    if (soakedAt.getTime() > now.getTime()) {
      status.soaking ??= { ...candidate, until: soakedAt.toISOString() };
      continue;
    }
    status.promoted = candidate;
    break;
  }
  return { choice: choiceOf(status, input.live, tagOf), status };
}

function choiceOf(
  status: PromotionStatus,
  live: string | undefined,
  tagOf: (digest: string) => string | undefined,
): ImageChoice {
  const { promoted } = status;
  const named = (c: { digest: string; tag?: string }) =>
    c.tag ? `${c.tag} (${shortDigest(c.digest)})` : shortDigest(c.digest);
  if (promoted)
    return {
      ok: true,
      digest: promoted.digest,
      ...(promoted.tag ? { tag: promoted.tag } : {}),
      reason: `promoted from ${status.from}: ${named(promoted)} verified there at ${promoted.verifiedAt}`,
    };
  const waiting = status.soaking
    ? `${named(status.soaking)} soaks in ${status.from} until ${status.soaking.until}`
    : `no digest verified in ${status.from} yet`;
  // Nothing may move: what runs stays (a rollout needs a digest to go to, and there is none).
  if (live !== undefined) {
    const tag = tagOf(live);
    return { ok: true, digest: live, ...(tag ? { tag } : {}), reason: `keeps what runs: ${waiting}` };
  }
  return { ok: false, reason: `nothing to promote: ${waiting}` };
}

function parseTime(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
