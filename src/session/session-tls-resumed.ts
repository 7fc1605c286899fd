import type { Http2Session } from 'node:http2';
import type { TLSSocket } from 'node:tls';

/**
 * Whether a session's TLS handshake resumed an earlier session from its ticket, without a certificate
 * exchange; undefined for a cleartext (h2c) session.
 *
 * @example
 * ```ts
 * sessionTlsResumed(session); // true, false, or undefined for h2c
 * ```
 */
export function sessionTlsResumed(session: Http2Session): boolean | undefined {
  // session.socket is Node's proxy to the TLS socket: 'in' would test the proxy, so ask for the method.
  const socket = session.socket as Partial<TLSSocket> | undefined;
  return typeof socket?.isSessionReused === 'function' ? socket.isSessionReused() : undefined;
}
