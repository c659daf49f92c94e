// The CLI trusts the deployer's JSON only after a shape check: pointed at the wrong URL (the managed
// service behind the same load balancer, a proxy's error page) it should say so, not crash.
import type { DeployerStatus, ServiceStatus } from '../../runtime/status-model.ts';
import { DeployerAnswerError } from './remote-command.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notADeployer(path: string, body: unknown): DeployerAnswerError {
  const seen =
    typeof body === 'string' ? `text: ${body.trim().slice(0, 80)}` : JSON.stringify(body)?.slice(0, 80);
  return new DeployerAnswerError(
    200,
    'NOT_A_DEPLOYER',
    `GET ${path} did not answer like an ecs-gitops deployer (got ${seen ?? 'nothing'}); check --url / ECS_GITOPS_URL`,
  );
}

export function asDeployerStatus(body: unknown, path = '/status'): DeployerStatus {
  if (isObject(body) && Array.isArray(body.services) && isObject(body.config) && isObject(body.queue))
    return body as unknown as DeployerStatus;
  throw notADeployer(path, body);
}

export function asServiceStatus(body: unknown, path: string): ServiceStatus {
  if (
    isObject(body) &&
    typeof body.name === 'string' &&
    isObject(body.sync) &&
    Array.isArray(body.recentRollouts)
  )
    return body as unknown as ServiceStatus;
  throw notADeployer(path, body);
}
