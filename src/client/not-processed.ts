import { constants } from 'node:http2';
import { isSessionClosed, isStreamReset } from '../errors/error-guards.js';
import { nodeCode } from '../errors/node-errors.js';

// Node throws these from request() on a session that got GOAWAY or closed as the request was made.
const CLOSING_SESSION_CODES = new Set(['ERR_HTTP2_GOAWAY_SESSION', 'ERR_HTTP2_INVALID_SESSION']);

/**
 * True when a tunnel request failed before the server processed it, so sending it again (on a fresh
 * session) is safe (RFC 9113 §8.7): the stream was refused (REFUSED_STREAM, e.g. past a GOAWAY's
 * last-stream-id) or the session was already closing when the request went out.
 *
 * @example
 * ```ts
 * wasNotProcessed(streamReset(7)); // true
 * wasNotProcessed(unexpectedStatus(404)); // false
 * ```
 */
export function wasNotProcessed(error: unknown): boolean {
  if (isStreamReset(error)) return error.rstCode === constants.NGHTTP2_REFUSED_STREAM;
  if (isSessionClosed(error)) return CLOSING_SESSION_CODES.has(nodeCode(error.cause) ?? '');
  return false;
}
