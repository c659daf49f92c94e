// Turns one GitHub webhook delivery into a git-push message, a ping, or an explicit "ignored" with the
// reason. Signature verification happens before this (github-signature.ts). Never throws.
import { DeployerError, err, ok, type Result } from '../errors.ts';
import type { QueueMessage } from '../types.ts';

export interface GithubDelivery {
  /** `X-GitHub-Event` header. */
  eventName: string | undefined;
  /** `X-GitHub-Delivery` header: unique per delivery, used as the queue deduplication id. */
  deliveryId: string | undefined;
  rawBody: string;
}

export interface GithubParseOptions {
  /** Directory of the desired state inside the repository, e.g. `config`. */
  configDir: string;
  /** Only pushes to this ref matter. Default `refs/heads/main`; a bare branch name means `refs/heads/<name>`. */
  trackedRef?: string;
  /**
   * The config repository: `owner/name` or a clone URL (`https://github.com/owner/name.git`,
   * `git@github.com:owner/name.git`). When set, pushes from other repositories (an organisation-wide
   * webhook, a reused secret) are ignored. Compared case-insensitively, as GitHub does.
   */
  repository?: string;
}

export type GitPush = Extract<QueueMessage, { kind: 'git-push' }>;

export type GithubEventOutcome =
  | { kind: 'push'; message: GitPush }
  | { kind: 'ping' }
  | { kind: 'ignored'; reason: string };

export const DEFAULT_TRACKED_REF = 'refs/heads/main';

/**
 * GitHub lists at most this many commits in a push payload; a longer push is truncated, so the
 * file lists cannot tell whether the config changed.
 */
export const GITHUB_MAX_PUSH_COMMITS = 2048;

/** GitHub reports at most this many changed files per commit; a commit at the limit may list fewer than it changed. */
export const GITHUB_MAX_COMMIT_FILES = 3000;

const ZERO_SHA = /^0+$/;

const invalid = (why: string) =>
  err(new DeployerError('EVENT_INVALID', `invalid GitHub webhook delivery: ${why}`));

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
// Untrusted names end up in reasons, responses and logs: keep them short.
const bounded = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

export function parseGithubEvent(
  delivery: GithubDelivery,
  options: GithubParseOptions,
): Result<GithubEventOutcome> {
  const { eventName, deliveryId, rawBody } = delivery;
  if (!isText(eventName)) return invalid('missing X-GitHub-Event header');
  if (!isText(deliveryId)) return invalid('missing X-GitHub-Delivery header');
  if (typeof rawBody !== 'string') return invalid('body must be text');
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return invalid(
      rawBody.startsWith('payload=')
        ? 'body is form-encoded; set the webhook content type to application/json'
        : 'body is not JSON',
    );
  }
  if (!isObject(body)) return invalid('body must be a JSON object');

  if (eventName === 'ping') return ok({ kind: 'ping' });
  if (eventName !== 'push')
    return ok({ kind: 'ignored', reason: `event "${bounded(eventName)}" is not a push` });
  return parsePush(body, deliveryId, options);
}

function parsePush(body: Json, deliveryId: string, options: GithubParseOptions): Result<GithubEventOutcome> {
  const { ref, before, after, repository } = body;
  if (!isText(ref)) return invalid('push payload has no "ref"');
  if (!isText(before) || !isText(after)) return invalid('push payload has no "before"/"after" commit');
  if (!isObject(repository) || !isText(repository.full_name))
    return invalid('push payload has no "repository.full_name"');
  for (const flag of ['deleted', 'forced', 'created'] as const) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean')
      return invalid(`push payload field "${flag}" must be a boolean`);
  }
  const deleted = body.deleted === true || ZERO_SHA.test(after);
  const forced = body.forced === true;

  const wanted = options.repository ? repositoryFullName(options.repository) : undefined;
  if (wanted !== undefined && repository.full_name.toLowerCase() !== wanted.toLowerCase())
    return ok({
      kind: 'ignored',
      reason: `push to ${bounded(repository.full_name)}, configured repository is ${wanted}`,
    });
  const trackedRef = fullRef(options.trackedRef ?? DEFAULT_TRACKED_REF);
  if (ref.startsWith('refs/tags/')) return ok({ kind: 'ignored', reason: `tag push ${bounded(ref)}` });
  if (ref !== trackedRef)
    return ok({ kind: 'ignored', reason: `push to ${bounded(ref)}, tracking ${trackedRef}` });
  if (deleted) return ok({ kind: 'ignored', reason: `branch ${ref} was deleted` });

  const changed = configChanged(body, options.configDir, forced);
  if (!changed.ok) return changed;
  return ok({
    kind: 'push',
    message: {
      kind: 'git-push',
      deliveryId,
      repository: repository.full_name,
      ref,
      before,
      after,
      deleted,
      forced,
      configChanged: changed.value,
    },
  });
}

/** `owner/name` of a repository given as `owner/name` or as a clone URL. */
export function repositoryFullName(repository: string): string {
  const match = /([^/:]+)\/([^/]+?)(?:\.git)?\/*$/.exec(repository.trim());
  return match ? `${match[1]}/${match[2]}` : repository.trim();
}

const fullRef = (ref: string) => (ref.startsWith('refs/') ? ref : `refs/heads/${ref}`);

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
 * - `commits` absent, empty while the head moved, or at GitHub's 2048-commit truncation limit;
 * - a commit listing 3000 files, GitHub's per-commit limit (the rest of its files are not listed);
 * - `head_commit` missing or not among the listed commits (the list does not reach the new head).
 */
function configChanged(body: Json, configDir: string, forced: boolean): Result<boolean> {
  const dir = normaliseDir(configDir);
  const { commits, head_commit: head, before, after } = body;
  if (commits !== undefined && commits !== null && !Array.isArray(commits))
    return invalid('push payload field "commits" must be an array');
  const list: unknown[] = Array.isArray(commits) ? commits : [];
  const paths: string[] = [];
  const ids = new Set<string>();
  let truncatedFiles = false;
  for (const commit of list) {
    if (!isObject(commit)) return invalid('push payload "commits" must hold objects');
    if (isText(commit.id)) ids.add(commit.id);
    let count = 0;
    for (const key of ['added', 'modified', 'removed'] as const) {
      const files = commit[key];
      if (files === undefined || files === null) continue;
      if (!Array.isArray(files) || files.some((f) => typeof f !== 'string'))
        return invalid(`push payload commit field "${key}" must be an array of paths`);
      for (const file of files as string[]) paths.push(file);
      count += files.length;
    }
    if (count >= GITHUB_MAX_COMMIT_FILES) truncatedFiles = true;
  }
  if (paths.some((path) => isUnder(path, dir))) return ok(true);
  if (before === after) return ok(false);
  const headId = isObject(head) && isText(head.id) ? head.id : undefined;
  const incomplete =
    forced ||
    truncatedFiles ||
    ZERO_SHA.test(String(before)) ||
    list.length === 0 ||
    list.length >= GITHUB_MAX_PUSH_COMMITS ||
    headId === undefined ||
    !ids.has(headId);
  return ok(incomplete);
}

function isUnder(path: string, dir: string): boolean {
  if (dir === '') return true;
  const clean = path.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  return clean === dir || clean.startsWith(`${dir}/`);
}
