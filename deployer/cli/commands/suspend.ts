// `ecs-gitops suspend <service>`: stop rolling out until resumed.
import { cliHint } from '../cli-io.ts';
import { nameWithState, serviceActionCommand } from './service-action.ts';

export const suspendCommand = serviceActionCommand({
  action: 'suspend',
  summary: 'stop rolling out a service until it is resumed',
  synopsis: 'suspend <service>',
  description: `Stops rollouts of the service until \`${cliHint('resume <service>')}\`. The suspension is
recorded as a tag on the task definition revision the service runs, so a restarted deployer stays
suspended. To suspend in git instead (reviewed, visible to everyone), set \`suspended: true\` in
the service's config file.`,
  describe: (answer) =>
    `${nameWithState(answer)} suspended: no rollouts until \`${cliHint(`resume ${answer.service}`)}\` (in git: suspended: true in its config).`,
});
