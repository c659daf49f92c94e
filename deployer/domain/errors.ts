// One error base for the deployer. Whether an error is worth retrying is a property of the error,
// decided where the error is defined, never guessed at the call site.

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'IMAGE_REF_INVALID'
  | 'IMAGE_NOT_FOUND'
  | 'EVENT_INVALID'
  | 'SIGNATURE_INVALID'
  | 'SERVICE_NOT_FOUND'
  | 'TASK_DEFINITION_INVALID'
  | 'AWS_THROTTLED'
  | 'AWS_UNAVAILABLE'
  | 'AWS_REQUEST_REJECTED'
  | 'GIT_FAILED'
  | 'ROLLOUT_TIMEOUT'
  | 'ROLLOUT_FAILED'
  | 'VERIFY_FAILED'
  | 'ABORTED';

export interface DeployerErrorOptions {
  /** True when repeating the same operation later may succeed (throttling, timeouts, 5xx). */
  retryable: boolean;
  /** HTTP status to answer with when the error reaches an HTTP boundary. */
  httpStatus?: number;
  cause?: unknown;
  /** Extra structured context for logs and status (never secrets). */
  details?: Record<string, unknown>;
}

export class DeployerError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly httpStatus: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: DeployerErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeployerError';
    this.code = code;
    this.retryable = options.retryable;
    this.httpStatus = options.httpStatus ?? (options.retryable ? 503 : 400);
    this.details = options.details ?? {};
  }

  /** Terminal errors need a change (config, image, permissions) before trying again helps. */
  get terminal(): boolean {
    return !this.retryable;
  }
}

export function isDeployerError(value: unknown): value is DeployerError {
  return value instanceof DeployerError;
}

/** Result type for parsers that must never throw on bad input. */
export type Result<T, E = DeployerError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
