import { pino, stdTimeFunctions, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths redacted from every log line: secrets never reach the logs. */
export const REDACT_PATHS = [
  'password',
  'secret',
  'token',
  'adminToken',
  'adminPassword',
  'req.headers.cookie',
  'credentials.password',
  'req.headers.authorization',
  '*.password',
  '*.secret',
];

/** One root logger per process; modules take `log.child({ module })`. */
export function createLogger(opts: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {}): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { app: 'citybrain' },
    // ISO-8601 with milliseconds in UTC ("time":"2026-12-03T05:12:09.512Z"): people and log shippers read it alike.
    timestamp: stdTimeFunctions.isoTime,
  };
  if (opts.destination) return pino(options, opts.destination as DestinationStream);
  return pino(options);
}

/** A logger that drops everything (tests that assert on other things). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
