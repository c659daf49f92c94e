// Where log lines go and how they read. JSON lines (pino) are what CloudWatch and the tests parse;
// on a developer's terminal (local mode) the same events are easier to read through pino-pretty.
// LOG_FORMAT chooses: `json` or `pretty`; unset means pretty in local mode, JSON in aws mode.
// pino-pretty is a devDependency: the production images do not have it, and aws mode never asks.
import type { DestinationStream } from 'pino';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** LOG_FORMAT, defaulting by mode; throws an Error naming the variable for anything else. */
export function logFormatFromEnv(env: NodeJS.ProcessEnv, mode: 'local' | 'aws'): LogFormat {
  const raw = env.LOG_FORMAT?.trim().toLowerCase();
  if (raw === undefined || raw === '') return mode === 'local' ? 'pretty' : 'json';
  const format = LOG_FORMATS.find((candidate) => candidate === raw);
  if (!format) throw new Error(`LOG_FORMAT=${JSON.stringify(env.LOG_FORMAT)} must be json or pretty`);
  return format;
}

/**
 * The stream pino writes to: stdout as it is for `json`; for `pretty`, pino-pretty in this process
 * (synchronous, so a line logged right before exit is not lost and lines keep their order).
 */
export async function logDestination(format: LogFormat): Promise<DestinationStream | undefined> {
  if (format === 'json') return undefined;
  let pretty: typeof import('pino-pretty');
  try {
    pretty = (await import('pino-pretty')).default;
  } catch (error) {
    throw new Error(
      'LOG_FORMAT=pretty needs pino-pretty, a devDependency (not in the production image): ' +
        'use LOG_FORMAT=json there',
      { cause: error },
    );
  }
  return pretty({
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    // One line per event, as in JSON: `12:00:01.234 INFO (deployer): ecs: task healthy {"service":…}`.
    singleLine: true,
    ignore: 'pid,hostname,component',
    messageFormat: '{if component}{component}: {end}{msg}',
    sync: true,
  });
}
