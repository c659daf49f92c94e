// The service's pino logger: JSON lines on stdout, credentials redacted wherever a header object or
// a settings object could be logged.
// Writes are asynchronous (sonic-boom queues lines while a write is in flight and writes them in
// one go), so a log line never blocks a request on stdout. The price: process.exit() could cut off
// a write still in flight (pino's exit hook only rewrites what is queued, after it), so main.ts
// exits through closeServiceLog(), which waits until every line is written.
import pino from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'request.headers.authorization',
  'headers.authorization',
  'credentials.password',
  'settings.credentials.password',
];

export function createServiceLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination({ sync: false }),
): pino.Logger {
  return pino(
    { level, name: 'actors', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination,
  );
}

/**
 * Ends the logger's destination and resolves once every queued line is written (or after
 * `timeoutMs`, so a stuck stdout cannot hold the exit). Call it right before process.exit().
 */
export function closeServiceLog(logger: pino.Logger, timeoutMs = 2_000): Promise<void> {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | (NodeJS.WritableStream & { destroyed?: boolean })
    | undefined;
  if (!stream || typeof stream.end !== 'function' || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    stream.once('close', done);
    stream.once('error', done);
    stream.end();
  });
}
