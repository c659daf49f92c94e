// Decides, once and at the edge, whether a GitHub push is work for the deployer: the configured
// repository, the tracked branch, not a deletion, and it (possibly) touched the config directory. What
// passes becomes a slim `git-push` hint (delivery id and head commit); intake then only reads the branch
// head. The payload is typed by GitHub's published webhook schema (@octokit/openapi-webhooks-types) and
// arrives HMAC-verified, so its shape is not re-checked here; the HTTP route turns a payload that
// breaks the schema (only someone holding the secret can send one) into a 400. Never throws on a
// payload that matches the schema.
import type { components } from '@octokit/openapi-webhooks-types';
import { DeployerError, err, ok, type Result } from '../errors.ts';
import { commitSubject } from '../rollout-trigger.ts';
import type { QueueMessage } from '../types.ts';

export type PushPayload = components['schemas']['webhook-push'];
export type GitPushHint = Extract<QueueMessage, { kind: 'git-push' }>;

export interface PushFilter {
  /** Directory of the desired state inside the repository, e.g. `config`. */
  configDir: string;
  /** Full ref a push must target, e.g. `refs/heads/main` (settings.trackedRef). */
  trackedRef: string;
  /**
   * `owner/name` of the config repository; pushes from others (an organisation-wide webhook, a reused
   * secret) are ignored. Compared case-insensitively, as GitHub does. Undefined: no filter.
   */
  repository?: string | undefined;
}

export type PushDecision = { kind: 'queue'; hint: GitPushHint } | { kind: 'ignored'; reason: string };

/**
 * GitHub lists at most this many commits in a push payload; a longer push is truncated, so the
 * file lists cannot tell whether the config changed.
 */
export const GITHUB_MAX_PUSH_COMMITS = 2048;

/** GitHub reports at most this many changed files per commit; a commit at the limit may list fewer than it changed. */
export const GITHUB_MAX_COMMIT_FILES = 3000;

const ZERO_SHA = /^0+$/;
const COMMIT_SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

// Untrusted names end up in reasons, responses and logs: keep them short.
const bounded = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

export function decidePush(
  payload: PushPayload,
  deliveryId: string,
  filter: PushFilter,
): Result<PushDecision> {
  const { ref, after, repository } = payload;
  const fullName = repository.full_name;
  if (filter.repository !== undefined && fullName.toLowerCase() !== filter.repository.toLowerCase())
    return ok(ignored(`push to ${bounded(fullName)}, configured repository is ${filter.repository}`));
  if (ref.startsWith('refs/tags/')) return ok(ignored(`tag push ${bounded(ref)}`));
  if (ref !== filter.trackedRef) return ok(ignored(`push to ${bounded(ref)}, tracking ${filter.trackedRef}`));
  if (payload.deleted || ZERO_SHA.test(after)) return ok(ignored(`branch ${ref} was deleted`));
  // The hint travels on the queue: it must hold a commit id, nothing else.
  if (!COMMIT_SHA.test(after))
    return err(
      new DeployerError(
        'EVENT_INVALID',
        'invalid GitHub push: "after" is not a commit id (40 or 64 hex digits)',
      ),
    );
  if (!configChanged(payload, filter.configDir))
    return ok(ignored(`push does not touch ${normaliseDir(filter.configDir) || 'the repository'}/`));
  const hint: GitPushHint = { kind: 'git-push', deliveryId, after };
  // Who pushed what, for the rollout's trigger: only from the head commit, the one `after` names.
  const head = payload.head_commit;
  if (head && head.id === after) {
    const author = head.author?.name?.trim();
    if (author) hint.author = bounded(author);
    const subject = commitSubject(head.message ?? '');
    if (subject) hint.message = subject;
  }
  return ok({ kind: 'queue', hint });
}

const ignored = (reason: string): PushDecision => ({ kind: 'ignored', reason });

/** `config`, `./config/`, `/config` all mean the same directory; '' or '.' means the whole repository. */
function normaliseDir(dir: string): string {
  const trimmed = dir
    .trim()
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+|\/+$/g, '');
  return trimmed === '.' ? '' : trimmed;
}

/**
 * Whether the push touched `<configDir>/`. Errs on the side of "yes": a false "yes" costs one
 * config read and a no-op reconcile, a false "no" leaves a config change undeployed until the next
 * periodic resync. So the answer is "yes" whenever the payload cannot prove otherwise:
 * - forced pushes rewrite history; the commit list need not explain the difference to `before`;
 * - a new branch (`before` all zeros) has no base to compare with;
 * - `commits` empty while the head moved, or at GitHub's 2048-commit truncation limit;
 * - a commit listing 3000 files, GitHub's per-commit limit (the rest of its files are not listed);
 * - `head_commit` missing or not among the listed commits (the list does not reach the new head).
 */
function configChanged(payload: PushPayload, configDir: string): boolean {
  const dir = normaliseDir(configDir);
  const { commits, head_commit: head, before, after, forced } = payload;
  let truncatedFiles = false;
  for (const commit of commits) {
    const files = [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])];
    if (files.some((path) => isUnder(path, dir))) return true;
    if (files.length >= GITHUB_MAX_COMMIT_FILES) truncatedFiles = true;
  }
  if (before === after) return false;
  const ids = new Set(commits.map((commit) => commit.id));
  return (
    forced ||
    truncatedFiles ||
    ZERO_SHA.test(before) ||
    commits.length === 0 ||
    commits.length >= GITHUB_MAX_PUSH_COMMITS ||
    !head ||
    !ids.has(head.id)
  );
}

function isUnder(path: string, dir: string): boolean {
  if (dir === '') return true;
  const clean = path.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  return clean === dir || clean.startsWith(`${dir}/`);
}
