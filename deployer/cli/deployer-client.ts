// HTTP client for the deployer API, used by every CLI verb.
// Errors carry a message a human can act on (which URL, which env var to set).

export const DEFAULT_DEPLOYER_URL = 'http://127.0.0.1:8080';

export interface DeployerResponse {
  status: number;
  body: unknown;
}

export class DeployerClientError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'DeployerClientError';
    this.exitCode = exitCode;
  }
}

/** Where the token came from, so a refusal can name what to fix. */
export type TokenSource = '--token' | 'ECS_GITOPS_TOKEN';

export interface ClientOptions {
  url: string;
  token?: string;
  tokenFrom?: TokenSource;
}

export function resolveClientOptions(
  flags: { url?: string; token?: string },
  env: NodeJS.ProcessEnv,
): ClientOptions {
  const url = (flags.url ?? env.ECS_GITOPS_URL ?? DEFAULT_DEPLOYER_URL).replace(/\/+$/, '');
  if (flags.token !== undefined && flags.token !== '')
    return { url, token: flags.token, tokenFrom: '--token' };
  const token = env.ECS_GITOPS_TOKEN;
  return token === undefined || token === '' ? { url } : { url, token, tokenFrom: 'ECS_GITOPS_TOKEN' };
}

/**
 * Exit 4 for HTTP 401/403, told apart: no token given, a token the deployer does not know, or a
 * read-only token for an action; with the deployer's own reason and where the token came from.
 */
export function authError(options: ClientOptions, status: number, body: unknown): DeployerClientError {
  const reason = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  const answer = `HTTP ${status}${typeof reason === 'string' ? `: ${reason}` : ''}`;
  const from = options.tokenFrom ?? 'ECS_GITOPS_TOKEN';
  const where = `the deployer at ${options.url}`;
  if (!options.token)
    return new DeployerClientError(
      `${where} needs an API token and none was given (${answer}); pass --token <token> or set ECS_GITOPS_TOKEN to its STATUS_TOKEN (\`npm start\` prints it in its banner)`,
      4,
    );
  if (status === 403)
    return new DeployerClientError(
      `${where} accepted the token from ${from}, but it may not do this (${answer}); use an operate-scoped token (STATUS_TOKEN or an API_TOKENS entry)`,
      4,
    );
  return new DeployerClientError(
    `${where} refused the token from ${from} (${answer}); it is not one of its API tokens: check ${from} against the deployer's STATUS_TOKEN (\`npm start\` prints it in its banner)`,
    4,
  );
}

export async function callDeployer(
  options: ClientOptions,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<DeployerResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${options.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    const reason =
      cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : String(cause);
    throw new DeployerClientError(
      `cannot reach the deployer at ${options.url} (${reason}); start it with \`npm start\` or point the CLI elsewhere with --url or ECS_GITOPS_URL`,
      3,
    );
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Non-JSON answers are passed through as text for the caller to show.
  }
  if (response.status === 401 || response.status === 403) throw authError(options, response.status, parsed);
  return { status: response.status, body: parsed };
}
