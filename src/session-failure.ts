import type { Http2Session } from 'node:http2';
import type { TransportError } from './errors.js';

// Why a session was torn down, recorded by whoever tore it down (health check, eviction), so each
// tunnel on it can end with that reason instead of a bare "stream closed".
const failures = new WeakMap<Http2Session, TransportError>();

/** Records why `session` is being destroyed; the first reason wins. */
export function markSessionFailed(session: Http2Session, reason: TransportError): void {
  if (!failures.has(session)) failures.set(session, reason);
}

/** Why `session` was destroyed, if someone said. */
export function sessionFailure(session: Http2Session): TransportError | undefined {
  return failures.get(session);
}
