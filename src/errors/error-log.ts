import type { Logger } from 'pino';
import type { Severity } from './transport-error.js';
import { isTransportError } from './error-guards.js';

/**
 * The fields of an error worth a log line: tag, severity, code, message and the cause's message,
 * never a stack or an object that might hold key material.
 *
 * @example
 * ```ts
 * log.warn(errorFields(error), 'tunnel failed');
 * ```
 */
export function errorFields(error: unknown): Record<string, unknown> {
  if (isTransportError(error)) {
    const cause = error.cause instanceof Error ? error.cause.message : typeof error.cause === 'string' ? error.cause : undefined;
    return { tag: error._tag, severity: error.severity, code: error.code, error: error.message, ...(cause === undefined ? {} : { cause }) };
  }
  return { error: error instanceof Error ? error.message : String(error) };
}

/** The pino level for a transport error's severity (v2ray's `warning` is pino's `warn`). */
export function levelOf(severity: Severity): 'debug' | 'info' | 'warn' | 'error' {
  return severity === 'warning' ? 'warn' : severity;
}

/** Logs `error` at the level its severity asks for. */
export function logError(log: Logger, error: unknown, msg: string, fields: Record<string, unknown> = {}): void {
  const level = isTransportError(error) ? levelOf(error.severity) : 'error';
  log[level]({ ...fields, ...errorFields(error) }, msg);
}
