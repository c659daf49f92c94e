// What the GitHub reporter needs from GitHub: three REST calls. The adapter (adapters/github/) speaks
// them through Octokit; tests run it against the GitHub stand-in (local/github/).

/** Deployment status states (REST "Create a deployment status"). */
export type DeploymentState =
  | 'error'
  | 'failure'
  | 'inactive'
  | 'in_progress'
  | 'queued'
  | 'pending'
  | 'success';
/** Commit status states (REST "Create a commit status"). */
export type CommitState = 'error' | 'failure' | 'pending' | 'success';

export interface GitHubPort {
  createDeployment(input: {
    sha: string;
    environment: string;
    description: string;
    payload: Record<string, string>;
  }): Promise<{ id: number }>;
  createDeploymentStatus(
    deploymentId: number,
    input: { state: DeploymentState; description: string; environmentUrl?: string },
  ): Promise<void>;
  createCommitStatus(
    sha: string,
    input: { state: CommitState; description: string; context: string },
  ): Promise<void>;
}
