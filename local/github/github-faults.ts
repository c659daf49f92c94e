// What the GitHub stand-in can be told to do instead of answering normally (POST /_faults).
// Rate limits follow GitHub's documentation ("Troubleshooting the REST API", rate limit errors): a
// primary limit answers 403 (or 429) with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` in UTC
// epoch seconds; clients must not retry before that time.
export type GitHubFault =
  /**
   * Every API call answers 403 rate-limited until `seconds` from when the fault was set. `held`: until
   * the fault is cleared instead, each answer naming a reset `seconds` ahead (a test lifts the limit
   * once it has seen what must happen meanwhile, instead of waiting out a long fixed one).
   */
  | { kind: 'rate-limit'; seconds: number; held?: boolean }
  /** The next `count` API calls (default: all until cleared) answer this 5xx status. */
  | { kind: 'error'; status: 500 | 502 | 503 | 504; count?: number }
  /** Every API call is answered after `delayMs`. */
  | { kind: 'slow'; delayMs: number };

export function parseFault(value: unknown): GitHubFault | string {
  if (value === null || typeof value !== 'object') return 'the fault must be a JSON object with a kind';
  const fault = value as Record<string, unknown>;
  const positive = (name: string, max: number) => {
    const n = fault[name];
    return typeof n === 'number' && Number.isFinite(n) && n > 0 && n <= max;
  };
  if (fault.kind === 'rate-limit') {
    if (!positive('seconds', 3600)) return 'rate-limit needs seconds (1..3600)';
    if (fault.held !== undefined && typeof fault.held !== 'boolean')
      return 'rate-limit held must be true or false';
    return {
      kind: 'rate-limit',
      seconds: fault.seconds as number,
      ...(fault.held === true ? { held: true } : {}),
    };
  }
  if (fault.kind === 'error') {
    if (![500, 502, 503, 504].includes(fault.status as number))
      return 'error needs status 500, 502, 503 or 504';
    if (fault.count !== undefined && !(Number.isInteger(fault.count) && positive('count', 1_000_000)))
      return 'error count must be a whole number of at least 1';
    return {
      kind: 'error',
      status: fault.status as 500 | 502 | 503 | 504,
      ...(fault.count === undefined ? {} : { count: fault.count as number }),
    };
  }
  if (fault.kind === 'slow')
    return positive('delayMs', 600_000)
      ? { kind: 'slow', delayMs: fault.delayMs as number }
      : 'slow needs delayMs (1..600000)';
  return 'kind must be rate-limit, error or slow';
}
