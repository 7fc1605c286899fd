import { TimeoutError } from 'rxjs';
import { isTransportError } from './error-guards.js';

/**
 * Whether trying again may succeed: the far end could not be reached or answered too late, a session was
 * lost, a stream reset, or the server answered 408, 429 or 5xx. False for what a retry cannot fix: TLS
 * verification, the wrong ALPN, a 404 or 403, invalid settings, a misuse of the API. An rxjs
 * `TimeoutError` (from a `timeout` operator) counts as transient too.
 *
 * A retry policy should ask this, not `severity`: severity is a log level (a 404 is a `warning`).
 *
 * @example
 * ```ts
 * dial(server, settings).pipe(retry({ count: 3, delay: (e) => (isTransient(e) ? timer(200) : throwError(() => e)) }));
 * ```
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  if (!isTransportError(error)) return false;
  switch (error._tag) {
    case 'ConnectFailed':
    case 'SessionClosed':
    case 'StreamReset':
    case 'Timeout':
    case 'SocketFailed':
    case 'ProtocolError':
      return true;
    case 'UnexpectedStatus':
      return error.status === 408 || error.status === 429 || error.status >= 500;
    case 'TlsRequired':
    case 'TlsVerifyFailed':
    case 'AlpnMismatch':
    case 'InvalidConfig':
    case 'ListenFailed':
    case 'UsageError':
    case 'Overflow':
      return false;
  }
}
