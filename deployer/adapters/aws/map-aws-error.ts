// Turns whatever the AWS SDK throws into one DeployerError with a stable code, keeping the original
// as `cause`. Retryable or terminal is decided here, once, for every AWS adapter.
import { DeployerError, type ErrorCode, isDeployerError } from '../../domain/errors.ts';

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'TransactionInProgressException',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

/** Not-found errors that mean "fix the config", with the code the reconciler understands. */
const NOT_FOUND: Record<string, ErrorCode> = {
  ServiceNotFoundException: 'SERVICE_NOT_FOUND',
  ClusterNotFoundException: 'SERVICE_NOT_FOUND',
  ServiceNotActiveException: 'SERVICE_NOT_FOUND',
  RepositoryNotFoundException: 'IMAGE_NOT_FOUND',
  ImageNotFoundException: 'IMAGE_NOT_FOUND',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
  $retryable?: { throttling?: unknown };
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
  const throttled =
    THROTTLING_NAMES.has(name) ||
    THROTTLING_NAMES.has(code) ||
    status === 429 ||
    (error as SdkErrorShape | null)?.$retryable?.throttling === true;
  if (throttled) {
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
    (status !== undefined && status >= 500) ||
    fault === 'server' ||
    TIMEOUT_NAMES.has(name) ||
    NETWORK_CODES.has(code) ||
    NETWORK_CODES.has(name) ||
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

function hasNetworkCause(error: Error): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
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
