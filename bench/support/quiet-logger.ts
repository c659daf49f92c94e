import { type Logger, pino } from 'pino';

/** Benchmarks print tables, not logs: warnings and errors only, unless LOG_LEVEL says otherwise. */
export function quietLogger(name = 'bench'): Logger {
  return pino({ name, level: process.env.LOG_LEVEL ?? 'warn' });
}
