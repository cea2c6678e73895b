import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names whose values never reach a log line, wherever they sit in a logged object. Secrets
 * are also never passed to the logger on purpose; this is the second line of defence.
 */
const REDACTED_KEYS = [
  'secret',
  'clientSecret',
  'client_secret',
  'appSecret',
  'password',
  'authorization',
  'access_token',
  'accessToken',
  'token',
  'key',
  'connectionString',
];

const REDACT_PATHS = REDACTED_KEYS.flatMap((k) => [
  k,
  `*.${k}`,
  `*.*.${k}`,
  `headers.${k}`,
  `req.headers.${k}`,
]);

export interface LoggerOptions {
  level?: pino.LevelWithSilent;
  /** Where lines go; tests pass a stream that captures them. Default: stdout. */
  destination?: DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'chatvault',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A logger that drops everything: for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
