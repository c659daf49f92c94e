// The handler of an ECS deployment event taken from the queue: find the managed service it is about
// and wake the rollouts waiting on it (deployment-signals.ts). An event about a service the config
// does not manage is dropped (debug log). SERVICE_DEPLOYMENT_IN_PROGRESS ("sent for both initial
// deployments and rollback deployments") wakes no waiting rollout: a rollout waits from its own
// UpdateService, so its start is no news, and a rollback of it also sends SERVICE_DEPLOYMENT_FAILED
// ("sent for services with deployment circuit breaker logic turned on"); a deployment that replaced it
// is seen at that one's COMPLETED event or the fallback poll. One DescribeServices fewer per rollout
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html).
// Every event still refreshes the service's status on a replica that does not run it.
import type { Logger } from 'pino';
import type { DeploymentSignals } from './deployment-signals.ts';
import type { Handler } from './message-handlers.ts';
import type { ServiceIndex } from './service-index.ts';

export function routeDeploymentEvent(deps: {
  /** The config in force, indexed (no scan of every service per event). */
  index: () => ServiceIndex;
  signals: DeploymentSignals;
  logger: Logger;
  /** Told the managed service's name (the status refresh reads it now). */
  onEvent?: (service: string) => void;
}): Handler<'deployment-event'> {
  const log = deps.logger.child({ component: 'ecs-events' });
  return async (event) => {
    const { cluster, service } = event;
    const managed = deps.index().running(cluster, service);
    if (!managed) {
      log.debug({ cluster, service, event: event.event }, 'ECS event about a service not in the config');
      return;
    }
    const completed = event.event === 'SERVICE_DEPLOYMENT_COMPLETED' ? event.deploymentId : undefined;
    const woken =
      event.event === 'SERVICE_DEPLOYMENT_IN_PROGRESS'
        ? 0
        : deps.signals.notify(managed.cluster, managed.service, completed);
    deps.onEvent?.(managed.name);
    log.info(
      { service: managed.name, event: event.event, deploymentId: event.deploymentId, woken },
      'ECS deployment event',
    );
  };
}
