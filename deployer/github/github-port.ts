// What the GitHub reporter needs from GitHub (three REST calls), and what a pin pull request needs. The
// adapter (adapters/github/) speaks them through Octokit; tests run it against the GitHub stand-in
// (local/github/).

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

/** A file in the config repository: its text and blob sha (GitHub's content `sha`, needed to update it). */
export interface RepositoryFile {
  text: string;
  sha: string;
}

export interface PullRequestLink {
  number: number;
  /** The pull request's page (html_url). */
  url: string;
}

/**
 * What a pin pull request needs from GitHub (docs.github.com/rest/repos/contents, /rest/git/refs,
 * /rest/pulls/pulls): read a file, branch off, commit the changed file, open the pull request, and
 * find one that is open already.
 */
export interface PinPullRequestPort {
  /** The file on that branch; undefined when there is none. */
  readFile(path: string, branch: string): Promise<RepositoryFile | undefined>;
  /** The commit a branch points at; undefined when the branch does not exist. */
  branchHead(branch: string): Promise<string | undefined>;
  /** Creates `branch` at `sha`, or (`exists`) moves it there even if that is not a fast-forward. */
  setBranch(branch: string, sha: string, exists: boolean): Promise<void>;
  /** Commits `text` as the file on the branch, replacing the blob `sha`; returns the commit. */
  writeFile(input: {
    branch: string;
    path: string;
    text: string;
    sha: string;
    message: string;
  }): Promise<{ commit: string }>;
  /** The open pull request from `head` (a branch of the repository itself), if any. */
  findOpenPullRequest(head: string): Promise<PullRequestLink | undefined>;
  createPullRequest(input: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequestLink>;
}
