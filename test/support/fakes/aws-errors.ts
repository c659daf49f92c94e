// The fakes fail the way AWS does: they throw an error shaped like the SDK's service exception (name,
// $fault, HTTP status) and let the adapters' own mapping classify it, so a fake and an adapter can never
// disagree about which failures are retryable.
import { mapAwsError } from '../../../deployer/adapters/aws/map-aws-error.ts';
import type { DeployerError } from '../../../deployer/domain/errors.ts';

/** What the SDK throws for an AWS error response: `name` is the AWS error code. */
export function awsError(name: string, message: string, httpStatusCode: number): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });
}

/** The DeployerError an AWS adapter would throw for that response of `operation`. */
export function awsFailure(
  operation: string,
  name: string,
  message: string,
  httpStatusCode = 400,
): DeployerError {
  return mapAwsError(awsError(name, message, httpStatusCode), operation);
}

/** What an adapter throws when the caller's signal aborts a call. */
export function abortedCall(operation: string, signal: AbortSignal): DeployerError {
  return mapAwsError(
    Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }),
    operation,
    signal,
  );
}
