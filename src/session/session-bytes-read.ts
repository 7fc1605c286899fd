import type { Http2Session } from 'node:http2';

/**
 * Bytes read so far from the socket under `session` (0 once it is gone): what the health check watches
 * for silence and the window tuner counts per PING round trip.
 *
 * @example
 * ```ts
 * const before = sessionBytesRead(session);
 * session.ping(() => console.log(sessionBytesRead(session) - before, 'bytes in one round trip'));
 * ```
 */
export function sessionBytesRead(session: Http2Session): number {
  return session.socket?.bytesRead ?? 0;
}
