// What the deployer last did in GitHub, per service: the latest deployment (with its state and a link)
// and the pin pull request it opened. Kept in memory by the reporters and shown in each service's
// status (status-with-github.ts): a convenience view, GitHub holds the record.
import type {
  GitHubDeploymentStatus,
  PinPullRequestStatus,
  ServiceGitHubStatus,
} from '../contract/status-model.ts';

export class GitHubActivity {
  readonly #services = new Map<string, ServiceGitHubStatus>();
  readonly #listeners = new Set<() => void>();

  deployment(service: string, deployment: GitHubDeploymentStatus): void {
    this.#change(service, (activity) => {
      activity.deployment = deployment;
    });
  }

  pinPullRequest(service: string, pull: PinPullRequestStatus): void {
    this.#change(service, (activity) => {
      activity.pinPullRequest = pull;
    });
  }

  of(service: string): ServiceGitHubStatus | undefined {
    const activity = this.#services.get(service);
    return activity ? structuredClone(activity) : undefined;
  }

  /** Called after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #change(service: string, change: (activity: ServiceGitHubStatus) => void): void {
    let activity = this.#services.get(service);
    if (!activity) {
      activity = {};
      this.#services.set(service, activity);
    }
    change(activity);
    for (const listener of this.#listeners) listener();
  }
}
