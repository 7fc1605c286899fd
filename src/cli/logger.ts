import pino, { type Logger } from 'pino';

/** Log levels `--log-level` accepts. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A pino logger writing one JSON object per line to stderr, synchronously so nothing is lost when the
 * process exits right after a line. stdout stays free for command output (`h2tunnel cert`).
 *
 * @example
 * ```ts
 * const log = createLogger('info');
 * log.info({ address: '127.0.0.1:1080' }, 'client listening');
 * ```
 */
export function createLogger(level: LogLevel): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 2, sync: true }),
  );
}
