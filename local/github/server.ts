// GitHub stand-in: the REST endpoints the deployer calls (deployments, deployment statuses, commit
// statuses, the GitHub App installation token exchange, and the contents, refs and pulls endpoints of
// a pin pull request over a local git repository: repository-routes.ts), each request body checked against
// GitHub's OpenAPI description before it is accepted. It records every call (GET /_calls), can be
// told to fail (POST /_faults: 403 rate-limited, 5xx, slow) and shows what it holds at GET /.
// Stricter than GitHub in one way: a property the description does not name is a 422, so a typo in
// our client fails here instead of being silently ignored by GitHub.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { close, listen, readBody } from '../http-util.ts';
import { ApiError } from './api-error.ts';
import { type GitHubFault, parseFault } from './github-faults.ts';
import { type OperationName, operationSchemas, type SchemaProblem } from './openapi-operations.ts';
import {
  REPOSITORY_OPERATIONS,
  REPOSITORY_ROUTES,
  type RepositoryOperation,
  repositoryRoutes,
  type StandInPull,
} from './repository-routes.ts';

const DOCS = 'https://docs.github.com/rest';
const MAX_STATUS_DESCRIPTION = 140;

export interface GitHubCall {
  method: string;
  path: string;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  status: number;
  at: string;
  /** On a 403 rate-limited answer: the reset it named (x-ratelimit-reset), before which no retry may come. */
  rateLimitReset?: string;
}

export interface StandInDeployment {
  id: number;
  owner: string;
  repo: string;
  sha: string;
  ref: string;
  environment: string;
  description: string | null;
  payload: unknown;
  createdAt: string;
  statuses: {
    state: string;
    description: string;
    environmentUrl: string;
    logUrl: string;
    createdAt: string;
  }[];
}

export interface StandInCommitStatus {
  owner: string;
  repo: string;
  sha: string;
  state: string;
  context: string;
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
}

export interface GitHubStandInOptions {
  port?: number;
  logger: Logger;
  /** Accepted bearer token; undefined accepts any non-empty token (and installation tokens it issued). */
  token?: string;
  /**
   * A local git repository served as every owner/repo's contents, branches and pull requests (the
   * deployer's CONFIG_REPOSITORY); without one those endpoints answer 404.
   */
  repository?: string;
}

export interface GitHubStandIn {
  url: string;
  calls(): GitHubCall[];
  deployments(): StandInDeployment[];
  commitStatuses(): StandInCommitStatus[];
  /** Pull requests opened here (merged ones are closed, as GitHub shows them). */
  pulls(): Promise<StandInPull[]>;
  setFault(fault: GitHubFault | undefined): void;
  /** Stops serving; resolves once the requests being answered (their git writes included) are done. */
  close(): Promise<void>;
}

type Route = {
  operation: OperationName | 'listDeployments' | 'listDeploymentStatuses' | 'installationToken';
  params: Record<string, string>;
};

const ROUTES: { method: string; pattern: RegExp; operation: Route['operation'] }[] = [
  ...REPOSITORY_ROUTES,
  {
    method: 'POST',
    pattern: /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/deployments$/,
    operation: 'createDeployment',
  },
  {
    method: 'GET',
    pattern: /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/deployments$/,
    operation: 'listDeployments',
  },
  {
    method: 'POST',
    pattern: /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/deployments\/(?<id>\d+)\/statuses$/,
    operation: 'createDeploymentStatus',
  },
  {
    method: 'GET',
    pattern: /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/deployments\/(?<id>\d+)\/statuses$/,
    operation: 'listDeploymentStatuses',
  },
  {
    method: 'POST',
    pattern: /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/statuses\/(?<sha>[0-9a-fA-F]{4,64})$/,
    operation: 'createCommitStatus',
  },
  {
    method: 'POST',
    pattern: /^\/app\/installations\/(?<installation>\d+)\/access_tokens$/,
    operation: 'installationToken',
  },
];

export async function startGitHubStandIn(options: GitHubStandInOptions): Promise<GitHubStandIn> {
  const schemas = operationSchemas();
  const calls: GitHubCall[] = [];
  const deployments: StandInDeployment[] = [];
  const commitStatuses: StandInCommitStatus[] = [];
  const issuedTokens = new Set<string>();
  let fault: GitHubFault | undefined;
  let rateLimitedUntil = 0;
  let errorsLeft = 0;
  let baseUrl = '';
  const log = options.logger.child({ component: 'github-stand-in' });

  const setFault = (next: GitHubFault | undefined) => {
    fault = next;
    rateLimitedUntil = next?.kind === 'rate-limit' ? Date.now() + next.seconds * 1000 : 0;
    errorsLeft = next?.kind === 'error' ? (next.count ?? Number.POSITIVE_INFINITY) : 0;
    log.info({ fault: next ?? null }, 'GitHub stand-in fault set');
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const method = request.method ?? 'GET';
    if (url.pathname.startsWith('/_') || url.pathname === '/')
      return control(method, url.pathname, request, response);
    // The web side (html_url links: /owner/repo/pull/1, /owner/repo/deployments/...): the overview page.
    if (method === 'GET' && !/^\/(?:repos|app)\//.test(url.pathname))
      return control(method, '/', request, response);

    const text = await readBody(request);
    let body: unknown;
    const record = (status: number, extra: Pick<GitHubCall, 'rateLimitReset'> = {}) =>
      calls.push({ method, path: url.pathname, body, status, at: new Date().toISOString(), ...extra });
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      record(400);
      return json(response, 400, { message: 'Problems parsing JSON', documentation_url: DOCS });
    }
    if (fault?.kind === 'slow')
      await new Promise((resolve) => setTimeout(resolve, fault?.kind === 'slow' ? fault.delayMs : 0));
    if (fault?.kind === 'rate-limit' && (fault.held || Date.now() < rateLimitedUntil)) {
      // A held limit moves its reset along, as GitHub names the end of the current window.
      const resetMs = fault.held ? Date.now() + fault.seconds * 1000 : rateLimitedUntil;
      // x-ratelimit-reset is in whole UTC epoch seconds.
      const reset = Math.ceil(resetMs / 1000);
      record(403, { rateLimitReset: new Date(reset * 1000).toISOString() });
      return json(
        response,
        403,
        {
          message: 'API rate limit exceeded for installation. (GitHub stand-in)',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        },
        {
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': '5000',
          'x-ratelimit-reset': String(reset),
          'x-ratelimit-resource': 'core',
        },
      );
    }
    if (fault?.kind === 'error' && errorsLeft > 0) {
      errorsLeft -= 1;
      record(fault.status);
      return json(response, fault.status, { message: 'Server Error (GitHub stand-in)' });
    }
    try {
      const route = match(method, url.pathname);
      authenticate(request, route.operation);
      const [status, answer] = isRepositoryOperation(route.operation)
        ? await repository.serve(route.operation, route.params, body, url.searchParams)
        : serve(route, body);
      record(status);
      json(
        response,
        status,
        answer,
        status === 201 && isRecord(answer) && typeof answer.url === 'string' ? { location: answer.url } : {},
      );
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      record(error.status);
      json(response, error.status, { message: error.message, documentation_url: DOCS, ...error.extra });
    }
  };

  const match = (method: string, pathname: string): Route => {
    for (const route of ROUTES) {
      const found = route.pattern.exec(pathname);
      if (found && route.method === method)
        return { operation: route.operation, params: { ...found.groups } };
    }
    throw new ApiError(404, 'Not Found');
  };

  const authenticate = (request: IncomingMessage, operation: Route['operation']) => {
    const header = request.headers.authorization ?? '';
    const token = /^(?:token|bearer) (.+)$/i.exec(header)?.[1]?.trim();
    if (!token) throw new ApiError(401, 'Requires authentication');
    // The installation token exchange is signed by the app's JWT (header.payload.signature).
    if (operation === 'installationToken') {
      if (token.split('.').length !== 3) throw new ApiError(401, 'A JSON web token could not be decoded');
      return;
    }
    if (options.token !== undefined && token !== options.token && !issuedTokens.has(token))
      throw new ApiError(401, 'Bad credentials');
  };

  const validate = (operation: OperationName, body: unknown) => {
    const problems: SchemaProblem[] = schemas.checkRequest(operation, body);
    const known = new Set(schemas.requestProperties(operation));
    if (isRecord(body))
      for (const key of Object.keys(body))
        if (!known.has(key))
          problems.push({
            field: `/${key}`,
            message: 'is not a documented property (GitHub would ignore it)',
          });
    if (problems.length > 0)
      throw new ApiError(422, 'Invalid request.', {
        errors: problems.map((p) => ({
          resource: operation,
          field: p.field,
          code: 'invalid',
          message: p.message,
        })),
      });
  };

  const repository = repositoryRoutes({
    repository: options.repository,
    schemas,
    validate: (operation, body) => validate(operation, body),
    baseUrl: () => baseUrl,
  });

  const serve = (route: Route, body: unknown): [number, unknown] => {
    const { owner = '', repo = '' } = route.params;
    const now = new Date().toISOString();
    const repoUrl = `${baseUrl}/repos/${owner}/${repo}`;
    switch (route.operation) {
      case 'createDeployment': {
        validate('createDeployment', body);
        const input = body as {
          ref: string;
          environment?: string;
          description?: string | null;
          payload?: unknown;
          task?: string;
        };
        const deployment: StandInDeployment = {
          id: deployments.length + 1,
          owner,
          repo,
          // GitHub resolves the ref to a commit; here a full sha stands for itself.
          sha: /^[0-9a-f]{40}$/.test(input.ref) ? input.ref : '0'.repeat(40),
          ref: input.ref,
          environment: input.environment ?? 'production',
          description: input.description ?? '',
          payload: input.payload ?? {},
          createdAt: now,
          statuses: [],
        };
        deployments.push(deployment);
        return [201, deploymentJson(deployment, input.task ?? 'deploy')];
      }
      case 'listDeployments':
        return [
          200,
          deployments
            .filter((d) => d.owner === owner && d.repo === repo)
            .reverse()
            .map((d) => deploymentJson(d, 'deploy')),
        ];
      case 'createDeploymentStatus': {
        const deployment = findDeployment(route.params);
        validate('createDeploymentStatus', body);
        const input = body as {
          state: string;
          description?: string;
          environment_url?: string;
          log_url?: string;
          target_url?: string;
        };
        if ((input.description ?? '').length > MAX_STATUS_DESCRIPTION)
          throw new ApiError(422, 'Validation Failed', {
            errors: [
              {
                resource: 'DeploymentStatus',
                field: 'description',
                code: 'custom',
                message: `description is too long (maximum is ${MAX_STATUS_DESCRIPTION} characters)`,
              },
            ],
          });
        const status = {
          state: input.state,
          description: input.description ?? '',
          environmentUrl: input.environment_url ?? '',
          logUrl: input.log_url ?? input.target_url ?? '',
          createdAt: now,
        };
        deployment.statuses.push(status);
        return [201, deploymentStatusJson(deployment, deployment.statuses.length, status)];
      }
      case 'listDeploymentStatuses': {
        const deployment = findDeployment(route.params);
        return [200, deployment.statuses.map((s, i) => deploymentStatusJson(deployment, i + 1, s)).reverse()];
      }
      case 'createCommitStatus': {
        validate('createCommitStatus', body);
        const input = body as {
          state: string;
          context?: string;
          description?: string | null;
          target_url?: string | null;
        };
        const status: StandInCommitStatus = {
          owner,
          repo,
          sha: route.params.sha ?? '',
          state: input.state,
          context: input.context ?? 'default',
          description: input.description ?? null,
          targetUrl: input.target_url ?? null,
          createdAt: now,
        };
        commitStatuses.push(status);
        const example = schemas.example('status');
        return [
          201,
          {
            ...example,
            id: commitStatuses.length,
            url: `${repoUrl}/statuses/${status.sha}`,
            state: status.state,
            context: status.context,
            description: status.description,
            target_url: status.targetUrl,
            created_at: now,
            updated_at: now,
          },
        ];
      }
      case 'getContent':
      case 'updateFileContents':
      case 'getRef':
      case 'createRef':
      case 'updateRef':
      case 'listPulls':
      case 'createPull':
        throw new Error(`${route.operation} is served by repository-routes.ts`);
      case 'installationToken': {
        const token = `ghs_${randomBytes(18).toString('hex')}`;
        issuedTokens.add(token);
        return [
          201,
          {
            token,
            expires_at: new Date(Date.now() + 3_600_000).toISOString(),
            permissions: { deployments: 'write', statuses: 'write' },
            repository_selection: 'selected',
          },
        ];
      }
    }
  };

  const findDeployment = (params: Record<string, string>) => {
    const found = deployments.find(
      (d) => d.id === Number(params.id) && d.owner === params.owner && d.repo === params.repo,
    );
    if (!found) throw new ApiError(404, 'Not Found');
    return found;
  };

  const deploymentJson = (d: StandInDeployment, task: string) => {
    const repoUrl = `${baseUrl}/repos/${d.owner}/${d.repo}`;
    return {
      ...schemas.example('deployment-simple-example'),
      url: `${repoUrl}/deployments/${d.id}`,
      id: d.id,
      sha: d.sha,
      ref: d.ref,
      task,
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      created_at: d.createdAt,
      updated_at: d.createdAt,
      statuses_url: `${repoUrl}/deployments/${d.id}/statuses`,
      repository_url: repoUrl,
    };
  };

  const deploymentStatusJson = (
    d: StandInDeployment,
    id: number,
    s: StandInDeployment['statuses'][number],
  ) => {
    const repoUrl = `${baseUrl}/repos/${d.owner}/${d.repo}`;
    return {
      ...schemas.example('deployment-status'),
      url: `${repoUrl}/deployments/${d.id}/statuses/${id}`,
      id,
      state: s.state,
      description: s.description,
      environment: d.environment,
      target_url: s.logUrl,
      log_url: s.logUrl,
      environment_url: s.environmentUrl,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      deployment_url: `${repoUrl}/deployments/${d.id}`,
      repository_url: repoUrl,
    };
  };

  const control = async (
    method: string,
    pathname: string,
    request: IncomingMessage,
    response: ServerResponse,
  ) => {
    if (method === 'GET' && pathname === '/')
      return html(response, overviewPage(deployments, commitStatuses, await repository.pulls()));
    const merging = /^\/_pulls\/(\d+)\/merge$/.exec(pathname);
    if (method === 'POST' && merging) {
      try {
        const pull = await repository.merge(Number(merging[1]));
        log.info(
          { pull: pull.number, base: pull.base, head: pull.head },
          'GitHub stand-in: pull request merged',
        );
        // The page's form posts here: send a browser back to the page, a script gets the pull.
        if (String(request.headers.accept ?? '').includes('text/html')) {
          response.writeHead(303, { location: '/' });
          response.end();
          return;
        }
        return json(response, 200, pull);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return json(response, error.status, { message: error.message });
      }
    }
    if (method === 'GET' && pathname === '/_calls') return json(response, 200, calls);
    if (method === 'DELETE' && pathname === '/_calls') {
      calls.length = 0;
      return json(response, 200, { cleared: true });
    }
    if (pathname === '/_faults' && method === 'DELETE') {
      setFault(undefined);
      return json(response, 200, { fault: null });
    }
    if (pathname === '/_faults' && method === 'POST') {
      let parsed: GitHubFault | string;
      try {
        parsed = parseFault(JSON.parse(await readBody(request)));
      } catch {
        parsed = 'the body must be JSON, e.g. {"kind":"rate-limit","seconds":60}';
      }
      if (typeof parsed === 'string') return json(response, 400, { message: parsed });
      setFault(parsed);
      return json(response, 200, { fault: parsed });
    }
    return json(response, 404, { message: 'Not Found' });
  };

  // Requests still being answered: a repository operation runs git in the caller's repository, and
  // close() waits for it, so a caller that removes the repository next never races a git write.
  const answering = new Set<Promise<void>>();
  const server: Server = createServer((request, response) => {
    const answer = handle(request, response)
      .catch((error: unknown) => {
        log.error({ err: error }, 'GitHub stand-in failed to answer');
        if (!response.headersSent) json(response, 500, { message: 'stand-in error' });
      })
      .finally(() => answering.delete(answer));
    answering.add(answer);
  });
  const port = await listen(server, options.port ?? 0);
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    calls: () => structuredClone(calls),
    deployments: () => structuredClone(deployments),
    commitStatuses: () => structuredClone(commitStatuses),
    pulls: () => repository.pulls(),
    setFault,
    close: async () => {
      await close(server);
      await Promise.all(answering);
      await repository.close();
    },
  };
}

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function html(response: ServerResponse, page: string): void {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end(page);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function isRepositoryOperation(operation: Route['operation']): operation is RepositoryOperation {
  return (REPOSITORY_OPERATIONS as readonly string[]).includes(operation);
}

function overviewPage(
  deployments: StandInDeployment[],
  statuses: StandInCommitStatus[],
  pulls: StandInPull[],
): string {
  const pullRows = [...pulls]
    .reverse()
    .map((p) => {
      const action =
        p.state === 'open'
          ? `<form method="post" action="/_pulls/${p.number}/merge"><button type="submit">Merge</button></form>`
          : p.merged
            ? 'merged'
            : 'closed';
      return `<tr id="pull-${p.number}"><td>#${p.number}</td><td>${escapeHtml(p.title)}<details><summary>body</summary><pre>${escapeHtml(p.body)}</pre></details></td><td><code>${escapeHtml(p.head)}</code> → <code>${escapeHtml(p.base)}</code></td><td>${action}</td></tr>`;
    })
    .join('');
  const rows = [...deployments]
    .reverse()
    .map((d) => {
      const trail = d.statuses.map((s) => escapeHtml(s.state)).join(' → ') || '(no status yet)';
      const last = d.statuses.at(-1);
      const url = last?.environmentUrl
        ? ` <a href="${escapeHtml(last.environmentUrl)}">${escapeHtml(last.environmentUrl)}</a>`
        : '';
      return `<tr><td>${d.id}</td><td>${escapeHtml(d.environment)}</td><td><code>${escapeHtml(d.sha.slice(0, 7))}</code></td><td>${trail}${url}</td><td>${escapeHtml(last?.description ?? d.description ?? '')}</td></tr>`;
    })
    .join('');
  const commitRows = [...statuses]
    .reverse()
    .map(
      (s) =>
        `<tr><td><code>${escapeHtml(s.sha.slice(0, 7))}</code></td><td>${escapeHtml(s.context)}</td><td>${escapeHtml(s.state)}</td><td>${escapeHtml(s.description ?? '')}</td></tr>`,
    )
    .join('');
  return `<!doctype html><meta charset="utf-8"><title>GitHub stand-in</title>
<style>body{font:14px system-ui;margin:2em}td,th{padding:.3em .8em;text-align:left;border-bottom:1px solid #ddd}</style>
<h1>GitHub stand-in</h1><h2>Deployments</h2>
<table><tr><th>id</th><th>environment</th><th>commit</th><th>statuses</th><th>description</th></tr>${rows}</table>
<h2>Pull requests</h2><table><tr><th>#</th><th>title</th><th>branches</th><th>state</th></tr>${pullRows}</table>
<h2>Commit statuses</h2><table><tr><th>commit</th><th>context</th><th>state</th><th>description</th></tr>${commitRows}</table>
<p>Recorded calls: <a href="/_calls">/_calls</a></p>`;
}
