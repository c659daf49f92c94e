// GitHubPort over Octokit: @octokit/core with the retry plugin (5xx and network errors, with backoff)
// and the throttling plugin (waits out primary and secondary rate limits as GitHub asks, per
// "Troubleshooting the REST API": not before `x-ratelimit-reset`, or `retry-after` seconds; and
// spaces writes a second apart, per "Best practices for using the REST API").
// Auth: a token, or a GitHub App whose installation tokens @octokit/auth-app mints and renews.
// REST references: "Create a deployment", "Create a deployment status" (docs.github.com/rest/deployments),
// "Create a commit status" (docs.github.com/rest/commits/statuses); for a pin pull request "Get
// repository content" and "Create or update file contents" (docs.github.com/rest/repos/contents), "Get
// a reference", "Create a reference" and "Update a reference" (docs.github.com/rest/git/refs), "List
// pull requests" and "Create a pull request" (docs.github.com/rest/pulls/pulls).
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
// The build the throttling plugin itself loads: its `write` option takes a Bottleneck.Group.
import Bottleneck from 'bottleneck/light.js';
import type { Logger } from 'pino';
import type {
  CommitState,
  DeploymentState,
  GitHubPort,
  PinPullRequestPort,
  PullRequestLink,
  RepositoryFile,
} from '../../github/github-port.ts';
import { GITHUB_DEFAULTS, type GitHubAuth, type GitHubSettings } from '../../github/github-settings.ts';

const ReportingOctokit = Octokit.plugin(retry, throttling);

/** GitHub caps deployment status descriptions at 140 characters; longer ones are a 422. */
export const MAX_DESCRIPTION = 140;

export interface OctokitGitHubOptions {
  /** writeSpacingMs: GITHUB_DEFAULTS' (a second, as GitHub asks) when absent. */
  settings: Pick<GitHubSettings, 'auth' | 'apiUrl' | 'owner' | 'repo' | 'writeSpacingMs'>;
  logger: Logger;
  /** Each HTTP attempt is abandoned after this long (a hung GitHub must not hold the queue forever). */
  requestTimeoutMs?: number;
  /** Rate-limit waits longer than this are not waited out: the call fails (and is counted). */
  maxRateLimitWaitSeconds?: number;
  /** Unit of the retry plugin's backoff ((n+1)² units); tests shorten it. */
  retryBaseMs?: number;
}

export class OctokitGitHub implements GitHubPort, PinPullRequestPort {
  readonly #octokit: InstanceType<typeof ReportingOctokit>;
  readonly #repo: { owner: string; repo: string };

  constructor(options: OctokitGitHubOptions) {
    const { settings, logger } = options;
    const log = logger.child({ component: 'github' });
    const timeoutMs = options.requestTimeoutMs ?? 10_000;
    const maxWait = options.maxRateLimitWaitSeconds ?? 15 * 60;
    const onLimit =
      (kind: string) =>
      (
        retryAfter: number,
        request: { method: string; url: string },
        _octokit: unknown,
        retryCount: number,
      ) => {
        const waiting = retryCount < 3 && retryAfter <= maxWait;
        log.warn(
          {
            kind,
            retryAfterSeconds: retryAfter,
            retryCount,
            waiting,
            method: request.method,
            url: request.url,
          },
          'GitHub rate limit',
        );
        return waiting;
      };
    this.#repo = { owner: settings.owner, repo: settings.repo };
    this.#octokit = new ReportingOctokit({
      baseUrl: settings.apiUrl,
      userAgent: 'ecs-gitops-deployer',
      ...authOptions(settings.auth),
      request: {
        fetch: (url: string | URL, init: RequestInit = {}) =>
          fetch(url, {
            ...init,
            signal: init.signal
              ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)])
              : AbortSignal.timeout(timeoutMs),
          }),
      },
      retry: {
        retries: 3,
        ...(options.retryBaseMs === undefined ? {} : { retryAfterBaseValue: options.retryBaseMs }),
      },
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        // The plugin's `write` option (ThrottlingOptions, @octokit/plugin-throttling's types): the
        // same group it builds by default, one writer at a time, with our spacing.
        write: new Bottleneck.Group({
          maxConcurrent: 1,
          minTime: settings.writeSpacingMs ?? GITHUB_DEFAULTS.writeSpacingMs,
        }),
      },
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => log.debug({ octokit: message }, 'octokit warning'),
        error: (message: string) => log.debug({ octokit: message }, 'octokit error'),
      },
    });
  }

  async createDeployment(input: {
    sha: string;
    environment: string;
    description: string;
    payload: Record<string, string>;
  }): Promise<{ id: number }> {
    const response = await this.#octokit.request('POST /repos/{owner}/{repo}/deployments', {
      ...this.#repo,
      ref: input.sha,
      environment: input.environment,
      description: clip(input.description),
      payload: input.payload,
      // We deploy exactly this commit: never merge the default branch into it, and do not wait on
      // (or fail for) the commit's other status checks: the deployer already decided.
      auto_merge: false,
      required_contexts: [],
      headers: { 'x-github-api-version': '2022-11-28' },
    });
    // 202 means GitHub merged the default branch first (auto_merge); with auto_merge false it is 201.
    const data = response.data as { id?: number; message?: string };
    if (typeof data.id !== 'number')
      throw new Error(`GitHub did not create a deployment: ${data.message ?? response.status}`);
    return { id: data.id };
  }

  async createDeploymentStatus(
    deploymentId: number,
    input: { state: DeploymentState; description: string; environmentUrl?: string },
  ): Promise<void> {
    await this.#octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      ...this.#repo,
      deployment_id: deploymentId,
      state: input.state,
      description: clip(input.description),
      ...(input.environmentUrl ? { environment_url: input.environmentUrl } : {}),
      headers: { 'x-github-api-version': '2022-11-28' },
    });
  }

  async createCommitStatus(
    sha: string,
    input: { state: CommitState; description: string; context: string },
  ): Promise<void> {
    await this.#octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
      ...this.#repo,
      sha,
      state: input.state,
      description: clip(input.description),
      context: input.context,
      headers: { 'x-github-api-version': '2022-11-28' },
    });
  }

  async readFile(path: string, branch: string): Promise<RepositoryFile | undefined> {
    try {
      const response = await this.#octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
        ...this.#repo,
        path,
        ref: branch,
        headers: API_VERSION,
      });
      const data = response.data as { type?: string; content?: string; encoding?: string; sha?: string };
      if (data.type !== 'file' || data.encoding !== 'base64' || typeof data.content !== 'string' || !data.sha)
        throw new Error(`GitHub answered ${path} at ${branch} with a ${data.type ?? 'non-file'}, not a file`);
      return { text: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async branchHead(branch: string): Promise<string | undefined> {
    try {
      const response = await this.#octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
        ...this.#repo,
        ref: `heads/${branch}`,
        headers: API_VERSION,
      });
      return (response.data as { object: { sha: string } }).object.sha;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async setBranch(branch: string, sha: string, exists: boolean): Promise<void> {
    if (exists) {
      await this.#octokit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
        ...this.#repo,
        ref: `heads/${branch}`,
        sha,
        force: true,
        headers: API_VERSION,
      });
      return;
    }
    await this.#octokit.request('POST /repos/{owner}/{repo}/git/refs', {
      ...this.#repo,
      ref: `refs/heads/${branch}`,
      sha,
      headers: API_VERSION,
    });
  }

  async writeFile(input: {
    branch: string;
    path: string;
    text: string;
    sha: string;
    message: string;
  }): Promise<{ commit: string }> {
    const response = await this.#octokit.request('PUT /repos/{owner}/{repo}/contents/{path}', {
      ...this.#repo,
      path: input.path,
      message: input.message,
      content: Buffer.from(input.text, 'utf8').toString('base64'),
      sha: input.sha,
      branch: input.branch,
      headers: API_VERSION,
    });
    const commit = (response.data as { commit?: { sha?: string } }).commit?.sha;
    if (!commit) throw new Error(`GitHub did not commit ${input.path} on ${input.branch}`);
    return { commit };
  }

  async findOpenPullRequest(head: string): Promise<PullRequestLink | undefined> {
    const response = await this.#octokit.request('GET /repos/{owner}/{repo}/pulls', {
      ...this.#repo,
      // `head` filters by `user-or-organization:branch`.
      head: `${this.#repo.owner}:${head}`,
      state: 'open',
      per_page: 10,
      headers: API_VERSION,
    });
    const [open] = response.data as { number: number; html_url: string }[];
    return open ? { number: open.number, url: open.html_url } : undefined;
  }

  async createPullRequest(input: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequestLink> {
    const response = await this.#octokit.request('POST /repos/{owner}/{repo}/pulls', {
      ...this.#repo,
      head: input.head,
      base: input.base,
      title: input.title,
      body: input.body,
      headers: API_VERSION,
    });
    const data = response.data as { number: number; html_url: string };
    return { number: data.number, url: data.html_url };
  }
}

const API_VERSION = { 'x-github-api-version': '2022-11-28' } as const;

/** A 404 from GitHub (Octokit's RequestError carries the status). */
function isNotFound(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 404;
}

function authOptions(auth: GitHubAuth) {
  if (auth.kind === 'token') return { auth: auth.token };
  return {
    authStrategy: createAppAuth,
    auth: { appId: auth.appId, privateKey: auth.privateKey, installationId: auth.installationId },
  };
}

function clip(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}
