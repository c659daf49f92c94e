// One error base for the deployer, with every code defined once (fastify's createError idea): whether
// repeating the operation may succeed and the HTTP status it answers with belong to the code, never
// to the call site. docs/runtime.md lists the codes.

interface ErrorDefinition {
  /** True when repeating the same operation later may succeed (throttling, timeouts, 5xx). */
  retryable: boolean;
  /** HTTP status to answer with when the error reaches an HTTP boundary. */
  httpStatus: number;
}

export const ERROR_CODES = {
  /** An image reference or digest that cannot be parsed or deployed. */
  IMAGE_REF_INVALID: { retryable: false, httpStatus: 400 },
  /** The registry has no such repository or image. */
  IMAGE_NOT_FOUND: { retryable: false, httpStatus: 404 },
  /** A webhook, EventBridge event or queue body that is not what it claims to be. */
  EVENT_INVALID: { retryable: false, httpStatus: 400 },
  /** No service of that name in the config in force, or no such ECS service/cluster. */
  SERVICE_NOT_FOUND: { retryable: false, httpStatus: 404 },
  /** A task definition the deployer cannot render from (missing container, a secret clash...). */
  TASK_DEFINITION_INVALID: { retryable: false, httpStatus: 400 },
  /** A manual rollback that cannot be done as asked (no earlier revision, another family...). */
  ROLLBACK_REJECTED: { retryable: false, httpStatus: 409 },
  /** A manual rollback target that is not an active revision of the service's family. */
  ROLLBACK_TARGET_UNKNOWN: { retryable: false, httpStatus: 404 },
  /** Resume of a service that holds no runtime suspension (none, or only `suspended: true` in config). */
  NOT_SUSPENDED: { retryable: false, httpStatus: 409 },
  /** `approve` or `reject` with no rollout held by a gate for that service. */
  NOTHING_TO_APPROVE: { retryable: false, httpStatus: 409 },
  /** `rollout.strategy` the service cannot run (not the ECS controller, no alternate target group). */
  STRATEGY_UNSUPPORTED: { retryable: false, httpStatus: 409 },
  AWS_THROTTLED: { retryable: true, httpStatus: 503 },
  AWS_UNAVAILABLE: { retryable: true, httpStatus: 503 },
  /** AWS refused the request as made (4xx): permissions, validation. Needs a change. */
  AWS_REQUEST_REJECTED: { retryable: false, httpStatus: 502 },
  /** The config source refused: unknown branch or revision, a failing git command. */
  GIT_FAILED: { retryable: false, httpStatus: 400 },
  /** The config source could not be reached or read now (network, timeout, an unreadable directory). */
  GIT_UNAVAILABLE: { retryable: true, httpStatus: 503 },
  /** One verify probe failed to get an answer (the rollout's verify step keeps probing). */
  VERIFY_FAILED: { retryable: true, httpStatus: 503 },
  /** The caller gave up (shutdown, a deadline): the work is handed back, not failed. */
  ABORTED: { retryable: true, httpStatus: 503 },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface DeployerErrorOptions {
  cause?: unknown;
  /** Extra structured context for logs and status (never secrets). */
  details?: Record<string, unknown>;
}

export class DeployerError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly httpStatus: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: DeployerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeployerError';
    this.code = code;
    this.retryable = ERROR_CODES[code].retryable;
    this.httpStatus = ERROR_CODES[code].httpStatus;
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
