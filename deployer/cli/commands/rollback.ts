// `ecs-gitops rollback <service> [--to <revision>]`: back to an earlier task definition, then hold there.
import { cliHint, UsageError } from '../cli-io.ts';
import { printable } from '../format/text-table.ts';
import { nameWithState, serviceActionCommand } from './service-action.ts';

export const rollbackCommand = serviceActionCommand({
  action: 'rollback',
  summary: 'roll a service back to the previous (or a given) task definition and suspend tracking',
  synopsis: 'rollback <service> [--to <task-definition-arn | family:revision | revision>]',
  description: `Updates the ECS service to the previous task definition revision from its rollout history (or
the one given with --to), then suspends tracking so the deployer does not roll forward again at
once. Fix or pin the image in config, then run \`${cliHint('resume <service>')}\`.`,
  extraOptions: { to: { type: 'string' } },
  extraHelp: '  --to <revision>  task definition ARN, family:revision or revision number (default: previous)',
  validate: (values) => {
    if (values.to === '')
      throw new UsageError('--to needs a task definition ARN, family:revision or revision number');
  },
  body: (values) => (typeof values.to === 'string' ? { to: values.to } : {}),
  describe: (answer) =>
    `rollback of ${nameWithState(answer)} to ${answer.to ? printable(answer.to) : 'the previous revision'} queued; tracking is suspended until: ${cliHint(`resume ${answer.service}`)}`,
});
