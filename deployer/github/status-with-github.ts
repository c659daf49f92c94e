// The runtime as the HTTP layer sees it when GitHub reporting is on: each service's status carries
// what the deployer did in GitHub (`github`: the latest deployment with its link, the pin pull
// request), and a change there notifies status listeners (the dashboard) like any status change.
// The runtime itself stays unaware of GitHub.
import type { DeployerStatus, ServiceStatus } from '../contract/status-model.ts';
import type { DeployerRuntime } from '../runtime/runtime.ts';
import type { GitHubActivity } from './github-activity.ts';

export function withGitHubActivity(runtime: DeployerRuntime, activity: GitHubActivity): DeployerRuntime {
  const service = (status: ServiceStatus): ServiceStatus => {
    const github = activity.of(status.name);
    return github ? { ...status, github } : status;
  };
  const status = (): DeployerStatus => {
    const current = runtime.status();
    return { ...current, services: current.services.map(service) };
  };
  return {
    start: () => runtime.start(),
    stop: () => runtime.stop(),
    ready: () => runtime.ready(),
    readiness: () => runtime.readiness(),
    refresh: (signal, caller) => runtime.refresh(signal, caller),
    enqueue: (message, signal) => runtime.enqueue(message, signal),
    sync: (name, signal, caller) => runtime.sync(name, signal, caller),
    rollback: (name, to, signal, options) => runtime.rollback(name, to, signal, options),
    suspend: (name) => runtime.suspend(name),
    resume: (name, signal, caller) => runtime.resume(name, signal, caller),
    history: (name, limit, signal) => runtime.history(name, limit, signal),
    metrics: runtime.metrics,
    status,
    serviceStatus: (name) => {
      const found = runtime.serviceStatus(name);
      return found ? service(found) : undefined;
    },
    subscribe(listener) {
      const fromRuntime = runtime.subscribe((next) =>
        listener({ ...next, services: next.services.map(service) }),
      );
      const fromGitHub = activity.subscribe(() => listener(status()));
      return () => {
        fromRuntime();
        fromGitHub();
      };
    },
  };
}
