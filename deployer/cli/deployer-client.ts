// HTTP client for the deployer API, used by every CLI verb.
// Errors carry a message a human can act on (which URL, which env var to set).

export const DEFAULT_DEPLOYER_URL = 'http://127.0.0.1:8080';

export interface DeployerClientOptions {
  url?: string;
  token?: string;
}

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

export function resolveClientOptions(
  flags: { url?: string; token?: string },
  env: NodeJS.ProcessEnv,
): Required<Pick<DeployerClientOptions, 'url'>> & { token?: string } {
  const url = (flags.url ?? env.ECS_GITOPS_URL ?? DEFAULT_DEPLOYER_URL).replace(/\/+$/, '');
  const token = flags.token ?? env.ECS_GITOPS_TOKEN;
  return token === undefined || token === '' ? { url } : { url, token };
}

export async function callDeployer(
  options: { url: string; token?: string },
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
  if (response.status === 401 || response.status === 403) {
    throw new DeployerClientError(
      `the deployer at ${options.url} refused the request (HTTP ${response.status}); set the API token with --token or ECS_GITOPS_TOKEN`,
      4,
    );
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Non-JSON answers are passed through as text for the caller to show.
  }
  return { status: response.status, body: parsed };
}
