// The service's pino logger: JSON lines on stdout, credentials redacted wherever a header object or
// a settings object could be logged.
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
  destination: pino.DestinationStream = pino.destination({ sync: true }),
): pino.Logger {
  return pino(
    { level, name: 'actors', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination,
  );
}
