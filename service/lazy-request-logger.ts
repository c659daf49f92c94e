// Fastify gives every request its own child logger (to bind `reqId`), which its own warnings and the
// service's error handler log through. Building a pino child costs more than the rest of a
// GET /actors at the service's rates (pino serialises the bindings up front), and at info level
// almost no request logs anything. This factory hands Fastify a stand-in that builds the real child
// on the first log call of its request, so lines keep their `reqId`.
import type { FastifyBaseLogger } from 'fastify';

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];

class LazyRequestLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #real(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  get level(): string {
    return this.#child?.level ?? this.#options?.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }

  #log(method: LogMethod, args: unknown[]): void {
    (this.#real()[method] as (...logArgs: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void {
    this.#log('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#log('error', args);
  }
  warn(...args: unknown[]): void {
    this.#log('warn', args);
  }
  info(...args: unknown[]): void {
    this.#log('info', args);
  }
  debug(...args: unknown[]): void {
    this.#log('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#log('trace', args);
  }
  silent(): void {}
}

/**
 * Fastify's `childLoggerFactory` option: a request's child of `logger`, built when first used.
 * Fastify is given no logger instance (app.ts), so the parent it passes is its no-op logger: the
 * children hang off the service's own logger instead.
 */
export function lazyRequestLoggers(
  logger: FastifyBaseLogger,
): (parent: FastifyBaseLogger, bindings: Bindings, options: ChildOptions) => FastifyBaseLogger {
  return (_parent, bindings, options) =>
    new LazyRequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
