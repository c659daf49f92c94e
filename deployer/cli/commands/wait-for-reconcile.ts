// `--wait` for sync and resume: follow the service until the reconcile after the request has finished,
// printing each rollout step (and each verification probe), and turn the outcome into an exit code
// (0 only when Synced).
import { SystemClock } from '../../adapters/system-clock.ts';
import type { ServiceStatus } from '../../contract/status-model.ts';
import type { Clock } from '../../ports.ts';
import { verifyProgressText } from '../../present/verify-progress-text.ts';
import { type CliIo, cliHint } from '../cli-io.ts';
import { printable } from '../format/text-table.ts';

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 900;
const POLL_MS = 500;

export interface WaitOptions {
  io: CliIo;
  service: string;
  /** lastReconciledAt before the request: the reconcile we wait for finishes after it. */
  before: string | null;
  timeoutSeconds: number;
  read(): Promise<ServiceStatus>;
  /** Paces the polls and keeps the deadline (default the system clock). */
  clock?: Pick<Clock, 'now' | 'sleep'>;
}

/** Resolves with the final status, or undefined on timeout. */
export async function waitForReconcile(options: WaitOptions): Promise<ServiceStatus | undefined> {
  const clock = options.clock ?? new SystemClock();
  const now = () => clock.now().getTime();
  // The CLI ends with its process, so nothing needs to cut a poll's sleep short.
  const never = new AbortController().signal;
  const deadline = now() + options.timeoutSeconds * 1000;
  let lastStep: string | undefined;
  let lastProbe: number | undefined;
  for (;;) {
    const status = await options.read();
    const step = status.currentRollout?.step;
    if (step && step !== lastStep) options.io.stderr(`${printable(options.service)}: ${step}\n`);
    lastStep = step;
    const verify = step === 'Verifying' ? status.currentRollout?.verify : undefined;
    if (verify && verify.probe !== lastProbe)
      options.io.stderr(`${printable(options.service)}: ${printable(verifyProgressText(verify, now()))}\n`);
    lastProbe = verify?.probe;
    if (status.currentRollout === null && status.lastReconciledAt !== options.before) return status;
    if (now() >= deadline) return undefined;
    await clock.sleep(POLL_MS, never);
  }
}

/** One line on the outcome; Synced is success, everything else needs a look. */
export function describeOutcome(service: string, status: ServiceStatus | undefined, timeoutSeconds: number) {
  if (!status)
    return {
      ok: false,
      line: `${printable(service)}: still not reconciled after ${timeoutSeconds} s; the deployer keeps going, follow it with: ${cliHint(`status ${service}`)}`,
    };
  const { state, reason, message } = status.sync;
  const line = `${printable(service)}: ${state} (${printable(reason)})${message ? ` ${printable(message)}` : ''}`;
  return { ok: state === 'Synced', line };
}
