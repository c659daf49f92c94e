// The CLI trusts the deployer's JSON only after it passed the status schema the server answers with
// (deployer/contract): pointed at the wrong URL (the managed service behind the same load balancer, a
// proxy's error page) it should say so, not crash.
import { checkDeployerStatus, checkServiceStatus } from '../../contract/check-status.ts';
import type { DeployerStatus, ServiceStatus } from '../../contract/status-model.ts';
import { DeployerAnswerError } from './remote-command.ts';

function notADeployer(path: string, body: unknown, problem: string): DeployerAnswerError {
  const seen =
    typeof body === 'string' ? `text: ${body.trim().slice(0, 80)}` : JSON.stringify(body)?.slice(0, 80);
  return new DeployerAnswerError(
    200,
    'NOT_A_DEPLOYER',
    `GET ${path} did not answer like an ecs-gitops deployer (got ${seen ?? 'nothing'}; ${problem}); check --url / ECS_GITOPS_URL`,
  );
}

export function asDeployerStatus(body: unknown, path = '/status'): DeployerStatus {
  const checked = checkDeployerStatus(body);
  if (checked.ok) return checked.value;
  throw notADeployer(path, body, checked.problem);
}

export function asServiceStatus(body: unknown, path: string): ServiceStatus {
  const checked = checkServiceStatus(body);
  if (checked.ok) return checked.value;
  throw notADeployer(path, body, checked.problem);
}
