// Runs an abortable call with its own deadline and answers by then even if the call ignores its
// signal (the webhook must reply well within GitHub's 10 s).
import { DeployerError } from '../domain/errors.ts';

export async function withTimeout<T>(
  operation: string,
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeployerError(
        'AWS_UNAVAILABLE',
        `${operation} did not finish within ${timeoutMs} ms`,
      );
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
