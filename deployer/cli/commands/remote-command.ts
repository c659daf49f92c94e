// What every verb that talks to a running deployer shares: flags (--url, --token, --help), argument
// checks with usage errors, the HTTP client, and one mapping from failures to exit codes.

import type { ConfigStatus } from '../../contract/status-model.ts';
import { shortRevision } from '../../present/format-values.ts';
import { type CliCommand, type CliIo, cliHint, EXIT, UsageError } from '../cli-io.ts';
import { callDeployer, resolveClientOptions } from '../deployer-client.ts';
import { printable } from '../format/text-table.ts';
import { type OptionSpec, parseOptions } from '../parse-options.ts';
import { suggest } from '../suggest.ts';
import { readEvents, type ServerSentEvent } from './read-events.ts';

/** Exit codes of the verbs that talk to a deployer (docs/cli.md), on top of cli-io.ts's. */
export const REMOTE_EXIT = {
  ...EXIT,
  /** `diff` only: the live state differs from the desired state. */
  differences: 2,
  unreachable: 3,
  unauthorized: 4,
} as const;

/** Option lines every remote verb lists under `Options:`. */
export const CONNECTION_HELP = `  --url <url>      deployer URL (env ECS_GITOPS_URL, default http://127.0.0.1:8080)
  --token <token>  API token, STATUS_TOKEN of the deployer (env ECS_GITOPS_TOKEN)
  -h, --help       show this help`;

export interface RemoteContext {
  io: CliIo;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  get(path: string): Promise<unknown>;
  post(path: string, body?: unknown): Promise<unknown>;
  /** Server-sent events of `path` (the dashboard's /events), until the deployer closes the stream. */
  events(path: string): AsyncIterable<ServerSentEvent>;
}

export interface RemoteCommandSpec {
  name: string;
  summary: string;
  /** Full help text ending in a newline, shown by --help and after usage errors. */
  usage: string;
  options?: Record<string, OptionSpec>;
  positionals: { min: number; max: number; names: string };
  action(context: RemoteContext): Promise<number>;
}

/** A non-2xx answer from the deployer (unknown service, server error): exit code 1. */
export class DeployerAnswerError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly exitCode = EXIT.failed;
  constructor(status: number, code: string | undefined, message: string) {
    super(message);
    this.name = 'DeployerAnswerError';
    this.status = status;
    this.code = code;
  }
}

export function defineRemoteCommand(spec: RemoteCommandSpec): CliCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    async run(args, io) {
      const { values, positionals } = parseOptions(args, {
        url: { type: 'string', valueName: '<url>' },
        token: { type: 'string', valueName: '<token>' },
        help: { type: 'boolean', short: 'h' },
        ...spec.options,
      });
      if (values.help) {
        io.stdout(spec.usage);
        return EXIT.ok;
      }
      if (positionals.length < spec.positionals.min)
        throw new UsageError(
          `missing the ${spec.positionals.names}${spec.positionals.names.includes('service') ? ` (${cliHint('status')} lists the services)` : ''}`,
        );
      if (positionals.length > spec.positionals.max)
        throw new UsageError(
          `unexpected argument ${JSON.stringify(positionals[spec.positionals.max])}${spec.positionals.max === 0 ? `: ${spec.name} takes no arguments` : ''}`,
        );

      const options = resolveClientOptions(
        {
          ...(typeof values.url === 'string' ? { url: values.url } : {}),
          ...(typeof values.token === 'string' ? { token: values.token } : {}),
        },
        io.env,
      );
      if (!isHttpUrl(options.url))
        throw new UsageError(
          `--url / ECS_GITOPS_URL must be an http(s) URL, got ${JSON.stringify(options.url)}`,
        );
      const request = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
        const response = await callDeployer(options, method, path, body);
        if (response.status >= 200 && response.status < 300) return response.body;
        const error = answerError(response.status, response.body);
        const [service] = positionals;
        if (error.code === 'SERVICE_NOT_FOUND' && service !== undefined)
          throw await unknownService(
            error,
            service,
            async () => (await callDeployer(options, 'GET', '/status')).body,
          );
        throw error;
      };
      // DeployerClientError (3 unreachable, 4 token) and DeployerAnswerError (1) carry their exit
      // code; main.ts prints their message and exits with it.
      return spec.action({
        io,
        positionals,
        values,
        get: (path) => request('GET', path),
        post: (path, body) => request('POST', path, body ?? {}),
        events: (path) => readEvents(options, path),
      });
    },
  };
}

function answerError(status: number, body: unknown): DeployerAnswerError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.message === 'string') {
    const code = typeof error.code === 'string' ? error.code : undefined;
    return new DeployerAnswerError(
      status,
      code,
      `${error.message} (HTTP ${status}${code ? ` ${code}` : ''})`,
    );
  }
  const text = typeof body === 'string' && body.trim() !== '' ? `: ${body.trim().slice(0, 200)}` : '';
  return new DeployerAnswerError(status, undefined, `the deployer answered HTTP ${status}${text}`);
}

/**
 * A service the deployer does not know: the closest name it does know (a typo such as `actor`), or
 * the list, and the command that lists them. When the deployer's config was rejected, that is said
 * first: the service may be in the revision that was refused (or no config is in force at all), so
 * the thing to fix is the config, not the name. Keeps the deployer's own message when the status
 * cannot be read.
 */
async function unknownService(
  error: DeployerAnswerError,
  service: string,
  readStatus: () => Promise<unknown>,
): Promise<DeployerAnswerError> {
  const status = (await readStatus().catch(() => undefined)) as
    | { services?: { name?: unknown }[]; config?: Partial<ConfigStatus> }
    | undefined;
  const rejected = rejectedConfig(status?.config);
  const names = status?.services?.map((s) => s.name);
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) return error;
  const quoted = JSON.stringify(printable(service));
  if (names.length === 0)
    return rejected
      ? new DeployerAnswerError(
          error.status,
          error.code,
          `no service named ${quoted}: the deployer has no config in force, ${rejected}`,
        )
      : error;
  const guess = suggest(service, names);
  const known =
    names.length <= 10 ? `; it has ${names.map((n) => JSON.stringify(printable(n))).join(', ')}` : '';
  return new DeployerAnswerError(
    error.status,
    error.code,
    `no service named ${quoted} in the deployer's config${guess ? `; did you mean ${JSON.stringify(guess)}?` : known} (${cliHint('status')} lists them)${rejected ? `; note: ${rejected}` : ''}`,
  );
}

/** "the newest config revision abc was rejected (file:line: message, and N more); fix it …", or undefined. */
function rejectedConfig(config: Partial<ConfigStatus> | undefined): string | undefined {
  const errors = Array.isArray(config?.errors) ? config.errors : [];
  const [first] = errors;
  if (!first) return undefined;
  const revision =
    typeof config?.lastAttemptedRevision === 'string'
      ? ` ${shortRevision(config.lastAttemptedRevision)}`
      : '';
  const more = errors.length > 1 ? `, and ${errors.length - 1} more` : '';
  const where = `${printable(String(first.file))}:${Number(first.line)}`;
  return `the newest config revision${revision} was rejected (${where}: ${printable(String(first.message))}${more}); fix it (${cliHint('validate')} lists every error) and services it declares appear once it is applied`;
}

/** `/api/services/<name>/<action>` with the name encoded (names come from the command line). */
export function servicePath(prefix: string, service: string, suffix = ''): string {
  return `${prefix}/${encodeURIComponent(service)}${suffix}`;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
