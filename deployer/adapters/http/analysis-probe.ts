// AnalysisProbe over the verify probe's hardened GET (verify-probe.ts: every resolved address checked,
// redirects not followed, the body cut at a limit, a timeout on top of the caller's signal), reading the
// answer as text: the analysis URL's first line is what the status quotes when it fails.
import type { AnalysisProbe } from '../../ports.ts';
import { HttpVerifyProbe, type HttpVerifyProbeOptions } from './verify-probe.ts';

/** Bytes of an analysis answer kept: its first line is all that is shown. */
const ANALYSIS_BODY_LIMIT_BYTES = 8 * 1024;

export class HttpAnalysisProbe implements AnalysisProbe {
  readonly #options: HttpVerifyProbeOptions;
  /** One probe per timeout (services may set different ones). */
  readonly #probes = new Map<number, HttpVerifyProbe>();

  constructor(options: Pick<HttpVerifyProbeOptions, 'allowPrivateNetworks' | 'resolve'> = {}) {
    this.#options = { ...options, bodyAs: 'text', maxBodyBytes: ANALYSIS_BODY_LIMIT_BYTES };
  }

  async get(url: string, timeoutMs: number, signal: AbortSignal): Promise<{ status: number; text: string }> {
    let probe = this.#probes.get(timeoutMs);
    if (!probe) {
      probe = new HttpVerifyProbe({ ...this.#options, timeoutMs });
      this.#probes.set(timeoutMs, probe);
    }
    const answer = await probe.get(url, signal, { accept: 'text/plain, application/json' });
    return { status: answer.status, text: typeof answer.body === 'string' ? answer.body : '' };
  }
}
