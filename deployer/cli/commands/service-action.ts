// The manual levers share one shape: POST /api/services/<service>/<action>, print what happened.
import type { ServiceStatus } from '../../runtime/status-model.ts';
import { type CliCommand, EXIT } from '../cli-io.ts';
import { printable } from '../format/text-table.ts';
import { CONNECTION_HELP, defineRemoteCommand, servicePath } from './remote-command.ts';

/** Body of a 2xx answer from the API (deployer/http/api-routes.ts). */
export interface ActionAnswer {
  service: string;
  action: string;
  accepted: boolean;
  to?: string;
  status: ServiceStatus | null;
}

export interface ServiceActionSpec {
  action: 'sync' | 'rollback' | 'suspend' | 'resume';
  summary: string;
  /** Usage line after `ecs-gitops`, e.g. `rollback <service> [--to <revision>]`. */
  synopsis: string;
  description: string;
  extraOptions?: Record<string, { type: 'string' | 'boolean' }>;
  extraHelp?: string;
  /** Throws a UsageError for option values the deployer would refuse anyway. */
  validate?(values: Record<string, string | boolean | undefined>): void;
  body?(values: Record<string, string | boolean | undefined>): unknown;
  describe(answer: ActionAnswer): string;
}

export function serviceActionCommand(spec: ServiceActionSpec): CliCommand {
  return defineRemoteCommand({
    name: spec.action,
    summary: spec.summary,
    usage: `Usage: ecs-gitops ${spec.synopsis}

${spec.description}

Options:
${spec.extraHelp ? `${spec.extraHelp}\n` : ''}  --json           print the deployer's answer as JSON
${CONNECTION_HELP}

Needs the API token (STATUS_TOKEN) in every mode: --token or ECS_GITOPS_TOKEN.
Exit codes: 0 done, 1 unknown service or deployer error, 3 deployer unreachable, 4 token missing
or refused, 64 usage.
`,
    options: { json: { type: 'boolean' }, ...spec.extraOptions },
    positionals: { min: 1, max: 1, names: 'service name' },
    async action({ io, positionals, values, post }) {
      const service = positionals[0]!;
      spec.validate?.(values);
      const answer = (await post(
        servicePath('/api/services', service, `/${spec.action}`),
        spec.body?.(values),
      )) as ActionAnswer;
      io.stdout(values.json ? `${JSON.stringify(answer, null, 2)}\n` : `${spec.describe(answer)}\n`);
      return EXIT.ok;
    },
  });
}

/** `actors (now Synced)` from an answer, tolerating a missing status. */
export function nameWithState(answer: ActionAnswer): string {
  const state = answer.status?.sync.state;
  return `${printable(answer.service)}${state ? ` (now ${state})` : ''}`;
}
