// Links into the AWS console for what a failed rollout left behind: the service's deployments, a stopped
// task, its log stream. Pure: the region comes from the task's ARN. Only the `aws` partition's console
// (console.aws.amazon.com) is known here; an ARN of another partition gets no links.

/** `arn:aws:ecs:eu-west-1:123456789012:task/gitops/0123` → `eu-west-1`. */
export function regionOfArn(arn: string): string | undefined {
  const [scheme, partition, , region] = arn.split(':');
  if (scheme !== 'arn' || partition !== 'aws' || !region) return undefined;
  return region;
}

function consoleBase(region: string): string {
  return `https://${region}.console.aws.amazon.com`;
}

/** The ECS console's deployments tab of a service. */
export function serviceDeploymentsUrl(region: string, cluster: string, service: string): string {
  return `${consoleBase(region)}/ecs/v2/clusters/${encodeURIComponent(clusterName(cluster))}/services/${encodeURIComponent(service)}/deployments?region=${region}`;
}

/** The ECS console's page of one (stopped) task. */
export function taskUrl(region: string, cluster: string, taskId: string): string {
  return `${consoleBase(region)}/ecs/v2/clusters/${encodeURIComponent(clusterName(cluster))}/tasks/${encodeURIComponent(taskId)}/configuration?region=${region}`;
}

/**
 * The CloudWatch console's view of a log stream. Its fragment encodes each name twice and writes `%`
 * as `$` (`/ecs/actors` → `$252Fecs$252Factors`), the form the console itself puts in the address bar.
 */
export function logStreamUrl(region: string, group: string, stream: string): string {
  const part = (name: string) => encodeURIComponent(encodeURIComponent(name)).replaceAll('%', '$');
  return `${consoleBase(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${part(group)}/log-events/${part(stream)}`;
}

/** A cluster given as an ARN (`arn:...:cluster/gitops`) or a name. */
function clusterName(cluster: string): string {
  const slash = cluster.lastIndexOf('/');
  return slash === -1 ? cluster : cluster.slice(slash + 1);
}
