// `ecs-gitops rollback <service> [--to <revision>] [--dry-run]`: back to an earlier task definition,
// then hold there. The answer names both revisions; --dry-run asks the deployer which revision it would
// be (checked against the family's active revisions) and changes nothing.
import type { RevisionSummary } from '../../contract/rollback-plan.ts';
import { imageLabel } from '../../present/format-values.ts';
import { cliHint, UsageError } from '../cli-io.ts';
import { printable } from '../format/text-table.ts';
import { type ActionAnswer, nameWithState, serviceActionCommand } from './service-action.ts';

export const rollbackCommand = serviceActionCommand({
  action: 'rollback',
  summary: 'roll a service back to the previous (or a given) task definition and suspend tracking',
  synopsis: 'rollback <service> [--to <family:revision | revision | task-definition-arn>] [--dry-run]',
  description: `Updates the ECS service to the previous task definition revision from its rollout history (or
the one given with --to), then suspends tracking so the deployer does not roll forward again at
once. Fix or pin the image in config, then run \`${cliHint('resume <service>')}\`. A target that is not
an active revision of the service's family is refused with the candidates listed;
\`${cliHint('history <service>')}\` lists them too.`,
  extraOptions: { to: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  extraHelp: `  --to <revision>  family:revision, revision number or task definition ARN (default: previous)
  --dry-run        say which revision it would roll back to, and change nothing`,
  validate: (values) => {
    if (values.to === '')
      throw new UsageError('--to needs a family:revision, a revision number or a task definition ARN');
  },
  body: (values) => ({
    ...(typeof values.to === 'string' ? { to: values.to } : {}),
    ...(values['dry-run'] ? { dryRun: true } : {}),
  }),
  describe: describeRollback,
});

export function describeRollback(answer: ActionAnswer): string {
  const plan = answer.plan;
  if (!plan)
    return `rollback of ${nameWithState(answer)} to ${answer.to ? printable(answer.to) : 'the previous revision'} queued; tracking is suspended until: ${cliHint(`resume ${printable(answer.service)}`)}`;
  const move = `${revisionLabel(plan.from)} to ${revisionLabel(plan.to)}`;
  if (plan.dryRun)
    return `dry run: would roll ${printable(answer.service)} back from ${move} and suspend tracking; nothing changed`;
  return `rolled ${nameWithState(answer)} back from ${move}; tracking is suspended until: ${cliHint(`resume ${printable(answer.service)}`)}`;
}

/** `actors:7 (1.2.0@0123456789ab)`. */
function revisionLabel(revision: RevisionSummary): string {
  const image = revision.image
    ? imageLabel({
        image: revision.image,
        ...(revision.tag ? { tag: revision.tag } : {}),
        ...(revision.digest ? { digest: revision.digest } : {}),
      })
    : undefined;
  return printable(image ? `${revision.revision} (${image})` : revision.revision);
}
