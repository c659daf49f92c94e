// A pino logger whose lines land in memory, so tests can assert whole log objects.
import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';

export interface CapturedLogger {
  logger: Logger;
  /** Parsed log lines, oldest first. */
  lines(): Record<string, unknown>[];
  /** Raw text of every line (to assert something was NOT logged). */
  text(): string;
}

export function captureLogger(level: pino.Level = 'debug'): CapturedLogger {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level }, stream);
  return {
    logger,
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => raw.join('\n'),
  };
}
