// The manual levers share one shape: POST /api/services/<service>/<action>, print what happened.
import type { RollbackPlan } from '../../contract/rollback-plan.ts';
import type { ServiceStatus } from '../../contract/status-model.ts';
import { type CliCommand, EXIT, UsageError } from '../cli-io.ts';
import { printable } from '../format/text-table.ts';
import type { OptionSpec } from '../parse-options.ts';
import { asServiceStatus } from './answer-shape.ts';
import { CONNECTION_HELP, defineRemoteCommand, servicePath } from './remote-command.ts';
import { DEFAULT_WAIT_TIMEOUT_SECONDS, describeOutcome, waitForReconcile } from './wait-for-reconcile.ts';

/** Body of a 2xx answer from the API (deployer/http/api-routes.ts). */
export interface ActionAnswer {
  service: string;
  action: string;
  accepted: boolean;
  to?: string;
  /** approve / reject: the digest the verdict is for. */
  digest?: string;
  /** Rollback: from which revision to which (dryRun: nothing changed). */
  plan?: RollbackPlan;
  status: ServiceStatus | null;
}

export interface ServiceActionSpec {
  action: 'sync' | 'rollback' | 'suspend' | 'resume' | 'approve' | 'reject';
  summary: string;
  /** Usage line after `ecs-gitops`, e.g. `rollback <service> [--to <revision>]`. */
  synopsis: string;
  description: string;
  extraOptions?: Record<string, OptionSpec>;
  extraHelp?: string;
  /** Offer `--wait`: follow the reconcile the action queues and exit 0 only when Synced. */
  waitable?: boolean;
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
${spec.extraHelp ? `${spec.extraHelp}\n` : ''}${spec.waitable ? WAIT_HELP : ''}  --json           print the deployer's answer as JSON
${CONNECTION_HELP}

Needs the API token (STATUS_TOKEN) in every mode: --token or ECS_GITOPS_TOKEN.
Exit codes: 0 done${spec.waitable ? ' (with --wait: Synced)' : ''}, 1 unknown service or deployer error${spec.waitable ? ' (with --wait: not\nSynced, or timed out)' : ''}, 3 deployer unreachable, 4 token missing or refused, 64 usage.
`,
    options: {
      json: { type: 'boolean' },
      ...(spec.waitable ? { wait: { type: 'boolean' }, timeout: { type: 'string' } } : {}),
      ...spec.extraOptions,
    },
    positionals: { min: 1, max: 1, names: 'service name' },
    async action({ io, positionals, values, get, post }) {
      const service = positionals[0]!;
      spec.validate?.(values);
      const timeoutSeconds = waitTimeout(values);
      const before = values.wait
        ? asServiceStatus(await get(servicePath('/status', service)), servicePath('/status', service))
            .lastReconciledAt
        : null;
      const answer = (await post(
        servicePath('/api/services', service, `/${spec.action}`),
        spec.body?.(values),
      )) as ActionAnswer;
      io.stdout(values.json ? `${JSON.stringify(answer, null, 2)}\n` : `${spec.describe(answer)}\n`);
      if (!values.wait) return EXIT.ok;
      const final = await waitForReconcile({
        io,
        service,
        before,
        timeoutSeconds,
        clock: io.clock,
        read: async () =>
          asServiceStatus(await get(servicePath('/status', service)), servicePath('/status', service)),
      });
      const outcome = describeOutcome(service, final, timeoutSeconds);
      (outcome.ok ? io.stdout : io.stderr)(`${outcome.line}\n`);
      return outcome.ok ? EXIT.ok : EXIT.failed;
    },
  });
}

const WAIT_HELP = `  --wait           follow the reconcile it queues (steps on stderr) until it finishes
  --timeout <s>    give up waiting after this many seconds (default ${DEFAULT_WAIT_TIMEOUT_SECONDS})
`;

function waitTimeout(values: Record<string, string | boolean | undefined>): number {
  if (values.timeout === undefined) return DEFAULT_WAIT_TIMEOUT_SECONDS;
  const seconds = Number(values.timeout);
  if (!values.wait) throw new UsageError('--timeout only makes sense with --wait');
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(
      `--timeout must be a positive number of seconds, got ${JSON.stringify(values.timeout)}`,
    );
  return seconds;
}

/** `actors (now Synced)` from an answer, tolerating a missing status. */
export function nameWithState(answer: ActionAnswer): string {
  const state = answer.status?.sync.state;
  return `${printable(answer.service)}${state ? ` (now ${state})` : ''}`;
}
