// Readiness: whether the deployer can do its job now, as opposed to liveness (the process serves
// HTTP). Ready needs all of: the config source read at least once, the consumer running (proven at
// start; the status rebuild from ECS goes on in the background, lifecycle.ts), and the queue answering now (a live SQS call,
// which also proves credentials and the network path to AWS). The queue answer is cached briefly so
// a burst of probes (ALB, ECS, a watching operator) costs one SQS call.
import { isDeployerError } from '../domain/errors.ts';
import type { Clock, QueuePort } from '../ports.ts';

export interface ReadinessCheck {
  name: 'config' | 'started' | 'queue';
  ok: boolean;
  /** What is wrong and what it means, for the operator reading /readyz; 'ok' when fine. */
  message: string;
}

export interface Readiness {
  ready: boolean;
  checks: ReadinessCheck[];
}

export interface ReadinessDeps {
  queue: Pick<QueuePort, 'stats'>;
  clock: Clock;
  /** When the config source was last read (null: never). */
  configReadAt: () => string | null;
  /** The config is in force and the consumer runs. */
  started: () => boolean;
  /** Called with each failed queue probe (logged by the runtime). */
  onQueueError?: (error: unknown) => void;
  /** Limit of the queue probe. */
  probeTimeoutMs?: number;
  /** How long one queue answer (or failure) stands for. */
  cacheMs?: number;
}

export function createReadiness(deps: ReadinessDeps): () => Promise<Readiness> {
  const probeTimeoutMs = deps.probeTimeoutMs ?? 2_000;
  const cacheMs = deps.cacheMs ?? 2_000;
  let cached: { at: number; check: Promise<ReadinessCheck> } | undefined;

  // Bounded by its own timeout only: the answer is shared by every probe in the cache window.
  const probeQueue = async (): Promise<ReadinessCheck> => {
    try {
      await deps.queue.stats(AbortSignal.timeout(probeTimeoutMs));
      return { name: 'queue', ok: true, message: 'ok' };
    } catch (error) {
      deps.onQueueError?.(error);
      // /readyz is unauthenticated: only the error's code, never its text (addresses, URLs).
      const code = isDeployerError(error) ? error.code : error instanceof Error ? error.name : 'Error';
      return {
        name: 'queue',
        ok: false,
        message: `the queue does not answer (${code}); no event can be received or sent`,
      };
    }
  };

  return async () => {
    const now = deps.clock.now().getTime();
    if (!cached || now - cached.at >= cacheMs) cached = { at: now, check: probeQueue() };
    const readAt = deps.configReadAt();
    const started = deps.started();
    const checks: ReadinessCheck[] = [
      readAt
        ? { name: 'config', ok: true, message: 'ok' }
        : { name: 'config', ok: false, message: 'the config source has not been read yet' },
      started
        ? { name: 'started', ok: true, message: 'ok' }
        : {
            name: 'started',
            ok: false,
            message: 'the queue consumer is not running yet, or the deployer is shutting down',
          },
      await cached.check,
    ];
    return { ready: checks.every((c) => c.ok), checks };
  };
}
