import { type Logger, pino } from 'pino';

/**
 * Benchmarks print tables on stdout; logs (warnings and errors only, unless LOG_LEVEL says
 * otherwise) go to stderr so `npm run bench:x > results.md` keeps just the tables.
 */
export function quietLogger(name = 'bench'): Logger {
  return pino({ name, level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
}
