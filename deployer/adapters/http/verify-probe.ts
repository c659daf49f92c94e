// VerifyProbe over fetch: one GET, never throws on an HTTP status (the caller judges it), JSON body
// parsed when the server says it is JSON. Transport failures and timeouts are VERIFY_FAILED
// (retryable: the next probe may succeed); the caller's own abort is ABORTED.
import { DeployerError } from '../../domain/errors.ts';
import type { VerifyProbe } from '../../ports.ts';

export interface HttpVerifyProbeOptions {
  /** Per-request limit, on top of the caller's signal. */
  timeoutMs?: number;
  /** Bodies larger than this are not parsed (a /version answer is tiny). */
  maxBodyBytes?: number;
}

export class HttpVerifyProbe implements VerifyProbe {
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;

  constructor(options: HttpVerifyProbeOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  }

  async get(url: string, signal: AbortSignal): Promise<{ status: number; body: unknown }> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    try {
      const response = await fetch(url, {
        method: 'GET',
        signal: combined,
        redirect: 'manual',
        headers: { accept: 'application/json', 'cache-control': 'no-cache' },
      });
      const contentType = response.headers.get('content-type') ?? '';
      const text = await response.text();
      let body: unknown;
      if (/\bjson\b/i.test(contentType) && Buffer.byteLength(text) <= this.#maxBodyBytes) {
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
      }
      return { status: response.status, body };
    } catch (error) {
      if (signal.aborted) {
        throw new DeployerError('ABORTED', `probe of ${url} aborted`, { cause: error });
      }
      const timedOut = timeout.aborted;
      throw new DeployerError(
        'VERIFY_FAILED',
        timedOut
          ? `probe of ${url} timed out after ${this.#timeoutMs} ms`
          : `probe of ${url} failed: ${reason(error)}`,
        { cause: error, details: { url, timedOut } },
      );
    }
  }
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
