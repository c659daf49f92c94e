// Checks a JSON answer against the status schema before anyone treats it as a DeployerStatus or a
// ServiceStatus: the CLI pointed at the wrong URL (the managed service, a proxy's error page) or at a
// deployer of another version learns which field is wrong instead of crashing on it later.
// The validators are compiled ahead from status-schema.ts (`npm run validators`).
import type { ErrorObject } from 'ajv';
import deployerStatus from './generated/deployer-status-validator.js';
import serviceStatus from './generated/service-status-validator.js';
import type { DeployerStatus, ServiceStatus } from './status-model.ts';

export type StatusCheck<T> = { ok: true; value: T } | { ok: false; problem: string };

function problemOf(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'not a status';
  return `${first.instancePath || '(the answer)'} ${first.message ?? 'is not as expected'}`;
}

export function checkDeployerStatus(body: unknown): StatusCheck<DeployerStatus> {
  return deployerStatus(body)
    ? { ok: true, value: body }
    : { ok: false, problem: problemOf(deployerStatus.errors) };
}

export function checkServiceStatus(body: unknown): StatusCheck<ServiceStatus> {
  return serviceStatus(body)
    ? { ok: true, value: body }
    : { ok: false, problem: problemOf(serviceStatus.errors) };
}
