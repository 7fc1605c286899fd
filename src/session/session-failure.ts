import type { Http2Session } from 'node:http2';
import type { TransportError } from '../errors/transport-error.js';
import { timerDelay } from '../settings/ranges.js';

// Why a session was torn down, recorded by whoever tore it down (health check, eviction), so each
// tunnel on it can end with that reason instead of a bare "stream closed".
const failures = new WeakMap<Http2Session, TransportError>();

/** Records why `session` is being destroyed; the first reason wins. */
export function markSessionFailed(session: Http2Session, reason: TransportError): void {
  if (!failures.has(session)) failures.set(session, reason);
}

/**
 * Destroys `session` for `reason`, recorded first so every tunnel on it ends with it. With the reason,
 * open streams fail; a bare destroy() closes them with NO_ERROR, which Node reports as a clean end, and a
 * cut-off tunnel would look complete. `code` is the GOAWAY error code sent on the way out.
 *
 * @example
 * ```ts
 * failSession(session, sessionClosed('health check failed'));
 * ```
 */
export function failSession(session: Http2Session, reason: TransportError, code?: number): void {
  markSessionFailed(session, reason);
  session.destroy(reason, code);
}

/**
 * Closes `session` gracefully (GOAWAY, open streams may finish) and destroys it for `reason` if it is
 * still open after `drainMs`. Resolves once it is closed.
 *
 * @example
 * ```ts
 * await drainSession(session, 5_000, sessionClosed('server shut down'));
 * ```
 */
export function drainSession(session: Http2Session, drainMs: number, reason: TransportError): Promise<void> {
  if (session.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    // A drain past what a timer can wait (close(1e10)) waits as long as one can, not 1 ms.
    const force = setTimeout(() => failSession(session, reason), timerDelay(drainMs));
    session.once('close', () => {
      clearTimeout(force);
      resolve();
    });
    session.close();
  });
}

/** Why `session` was destroyed, if someone said. */
export function sessionFailure(session: Http2Session): TransportError | undefined {
  return failures.get(session);
}

/**
 * True once the session's connection is gone, even in the moment before Node marks the session destroyed:
 * when its socket closes, Node resets every stream with CANCEL first, and that must read as the
 * connection lost, not as a reset the peer chose.
 */
export function connectionLost(session: Http2Session): boolean {
  if (session.destroyed) return true;
  try {
    return session.socket.destroyed;
  } catch {
    // The socket proxy throws once the session let go of its socket.
    return true;
  }
}
