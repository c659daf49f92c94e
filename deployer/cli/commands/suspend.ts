// `ecs-gitops suspend <service>`: stop rolling out until resumed (runtime override).
import { nameWithState, serviceActionCommand } from './service-action.ts';

export const suspendCommand = serviceActionCommand({
  action: 'suspend',
  summary: 'stop rolling out a service until it is resumed',
  synopsis: 'suspend <service>',
  description: `Stops rollouts of the service until \`ecs-gitops resume <service>\`. This is a runtime override of
the running deployer: it does not survive a deployer restart. For a durable stop, set
\`suspended: true\` in the service's config file.`,
  describe: (answer) =>
    `${nameWithState(answer)} suspended: no rollouts until \`ecs-gitops resume ${answer.service}\` (durable: suspended: true in config).`,
});
