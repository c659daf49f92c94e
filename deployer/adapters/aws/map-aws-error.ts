// Turns whatever the AWS SDK throws into one DeployerError with a stable code, keeping the original
// as `cause`. Retryable or terminal is decided here, once, for every AWS adapter, from the SDK's own
// error model: the `$retryable` trait and `$fault` of modelled errors, and the throttling and transient
// classification its retry strategy uses (@smithy/core/retry, service-error-classification). Only what
// the SDK cannot know is listed here: service errors that AWS documents as "try again later" but models
// as plain 4xx client errors.
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { DeployerError, type ErrorCode, isDeployerError } from '../../domain/errors.ts';

/**
 * 4xx errors that mean "too much right now", not "this request is wrong"; the SDK models them as
 * client faults without a retryable trait, so its retry strategy gives up on them at once.
 * - TooManyInvalidationsInProgress (CloudFront, 400): "You have exceeded the maximum number of allowable
 *   InProgress invalidation batch requests" (API_CreateInvalidation.html, Errors): free once some finish.
 * - KmsThrottled (SQS, 400): "Amazon SQS can't use the KMS key because of throttling" (API_SendMessage.html).
 * - OverLimit (SQS, 403): "the maximum number of in flight messages is reached" (API_ReceiveMessage.html).
 */
const TRANSIENT_CLIENT_ERRORS = new Set(['TooManyInvalidationsInProgress', 'KmsThrottled', 'OverLimit']);

/**
 * Server-side unavailability that some services send with a 4xx status or without a `$fault`:
 * "ServiceUnavailable" (CloudFront, SQS query errors), "ServiceUnavailableException", "ServerException" (ECS
 * 500), "InternalError" / "InternalFailure" (AWS common errors, CommonErrors.html).
 */
const UNAVAILABLE_NAMES = new Set([
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ServerException',
  'InternalError',
  'InternalFailure',
]);

/** Not-found errors that mean "fix the config", with the code the reconciler understands. */
const NOT_FOUND: Record<string, ErrorCode> = {
  ServiceNotFoundException: 'SERVICE_NOT_FOUND',
  ClusterNotFoundException: 'SERVICE_NOT_FOUND',
  ServiceNotActiveException: 'SERVICE_NOT_FOUND',
  RepositoryNotFoundException: 'IMAGE_NOT_FOUND',
  ImageNotFoundException: 'IMAGE_NOT_FOUND',
};

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

function describe(error: unknown): { name: string; code: string; status: number | undefined; fault: string } {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  return {
    name: typeof shape.name === 'string' ? shape.name : '',
    code: typeof shape.code === 'string' ? shape.code : '',
    status: typeof status === 'number' ? status : undefined,
    fault: typeof shape.$fault === 'string' ? shape.$fault : '',
  };
}

function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}

/**
 * Maps an error from `client.send(...)` to a DeployerError.
 * `operation` names the call for messages and logs (e.g. `ecs:UpdateService`); `signal` is the
 * caller's signal: an abort the caller asked for is ABORTED, not an AWS failure.
 */
export function mapAwsError(error: unknown, operation: string, signal?: AbortSignal): DeployerError {
  if (isDeployerError(error)) return error;
  const { name, code, status, fault } = describe(error);
  const details: Record<string, unknown> = { operation, awsError: name || code || 'unknown' };
  if (status !== undefined) details.httpStatus = status;
  const text = `${operation} failed: ${name ? `${name}: ` : ''}${messageOf(error)}`;

  if (name === 'AbortError' || signal?.aborted) {
    return new DeployerError('ABORTED', `${operation} aborted`, {
      cause: error,
      details,
    });
  }
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  if (isObject(error) && (isThrottlingError(sdkError) || TRANSIENT_CLIENT_ERRORS.has(name))) {
    return new DeployerError('AWS_THROTTLED', text, {
      cause: error,
      details,
    });
  }
  const notFound = NOT_FOUND[name];
  if (notFound) {
    return new DeployerError(notFound, text, { cause: error, details });
  }
  const unavailable =
    (isObject(error) && (isTransientError(sdkError) || isServerError(sdkError))) ||
    fault === 'server' ||
    (status !== undefined && status >= 500) ||
    UNAVAILABLE_NAMES.has(name) ||
    // Connection failures without an HTTP response at all (fetch/undici style).
    (status === undefined && !fault && error instanceof Error && hasNetworkCause(error));
  if (unavailable) {
    return new DeployerError('AWS_UNAVAILABLE', text, {
      cause: error,
      details,
    });
  }
  if ((status !== undefined && status >= 400) || fault === 'client') {
    return new DeployerError('AWS_REQUEST_REJECTED', text, {
      cause: error,
      details,
    });
  }
  // No response and nothing recognisable: most likely the transport; worth another try.
  return new DeployerError('AWS_UNAVAILABLE', text, {
    cause: error,
    details,
  });
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** undici's socket errors, which the SDK's Node.js error-code lists do not name. */
const UNDICI_NETWORK_CODES = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ECONNABORTED',
  'ENETDOWN',
]);

function hasNetworkCause(error: Error): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNDICI_NETWORK_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Runs one SDK call and rethrows its failure as a DeployerError. */
export async function callAws<T>(operation: string, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw mapAwsError(error, operation, signal);
  }
}
