// Links of a history entry: the commit and the GitHub deployments on GitHub, the ECS console and the
// CloudWatch log streams in AWS. Pure: built from settings and what ECS describes. A link is only given
// where its target exists: local mode has no AWS console, and the local GitHub stand-in no web pages.

export interface HistoryLinkSettings {
  mode: 'local' | 'aws';
  region: string;
  /** The config repository on GitHub (web root, `owner/name`), when known. */
  github?: {
    webUrl: string;
    repository: string;
    /** The GitHub reporter creates deployments (environment = service). */
    deployments: boolean;
  };
}

const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** The web root of a GitHub REST API root: github.com, or a GitHub Enterprise Server; else undefined. */
export function githubWebUrl(apiUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:') return undefined; // the local stand-in serves no web pages
  if (url.hostname === 'api.github.com') return 'https://github.com';
  // GitHub Enterprise Server: the REST API lives under /api/v3 of the web host.
  if (/^\/api\/v3\/?$/.test(url.pathname)) return `https://${url.host}`;
  return undefined;
}

export function commitUrl(settings: HistoryLinkSettings, sha: string | undefined): string | undefined {
  const { github } = settings;
  if (!github || !sha || !COMMIT.test(sha)) return undefined;
  return `${github.webUrl}/${github.repository}/commit/${sha}`;
}

/**
 * The GitHub deployments of a service. GitHub lists a repository's deployments per environment at
 * `/<owner>/<repo>/deployments/<environment>`; the reporter uses the service name as the environment.
 */
export function githubDeploymentsUrl(settings: HistoryLinkSettings, service: string): string | undefined {
  const { github } = settings;
  if (!github?.deployments) return undefined;
  return `${github.webUrl}/${github.repository}/deployments/${encodeURIComponent(service)}`;
}

function consoleHost(region: string): string {
  // China regions have their own console domain.
  return region.startsWith('cn-') ? `${region}.console.amazonaws.cn` : `${region}.console.aws.amazon.com`;
}

/** `my-cluster` from a cluster name or ARN (`arn:aws:ecs:…:cluster/my-cluster`). */
function clusterName(cluster: string): string {
  return cluster.slice(cluster.lastIndexOf('/') + 1);
}

/**
 * The ECS console's deployments tab of a service (console v2; "Viewing Amazon ECS service deployments",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/view-service-deployment.html).
 */
export function ecsDeploymentUrl(
  settings: HistoryLinkSettings,
  cluster: string,
  service: string,
): string | undefined {
  if (settings.mode !== 'aws') return undefined;
  const { region } = settings;
  return `https://${consoleHost(region)}/ecs/v2/clusters/${encodeURIComponent(clusterName(cluster))}/services/${encodeURIComponent(service)}/deployments?region=${region}`;
}

/** The ECS console page of one task definition revision. */
export function ecsTaskDefinitionUrl(
  settings: HistoryLinkSettings,
  family: string,
  revision: number | undefined,
): string | undefined {
  if (settings.mode !== 'aws' || revision === undefined) return undefined;
  const { region } = settings;
  return `https://${consoleHost(region)}/ecs/v2/task-definitions/${encodeURIComponent(family)}/${revision}/containers?region=${region}`;
}

/** A container's `logConfiguration` as ECS describes it (only what the link needs). */
export interface LogConfiguration {
  logDriver?: string;
  options?: Record<string, string>;
}

/**
 * CloudWatch Logs for a container that logs with the awslogs driver: its log group, filtered to its
 * streams. ECS names a stream `<awslogs-stream-prefix>/<container name>/<task id>` ("Amazon ECS
 * container logs", https://docs.aws.amazon.com/prescriptive-guidance/latest/implementing-logging-monitoring-cloudwatch/ec2-fargate-logs.html),
 * so `<prefix>/<container>/` finds every task of the revision. The console's fragment takes names
 * URI-encoded twice with `%` written as `$`.
 */
export function logsUrl(
  settings: HistoryLinkSettings,
  container: string,
  logging: LogConfiguration | undefined,
): string | undefined {
  if (settings.mode !== 'aws' || logging?.logDriver !== 'awslogs') return undefined;
  const group = logging.options?.['awslogs-group'];
  if (!group) return undefined;
  const region = logging.options?.['awslogs-region'] ?? settings.region;
  const fragment = (text: string) => encodeURIComponent(encodeURIComponent(text)).replaceAll('%', '$');
  const prefix = logging.options?.['awslogs-stream-prefix'];
  const streams = prefix ? `/log-events$3FlogStreamNameFilter$3D${fragment(`${prefix}/${container}/`)}` : '';
  return `https://${consoleHost(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${fragment(group)}${streams}`;
}
