import { constants, type Http2Session } from 'node:http2';
import { sessionClosed, streamReset, type TransportError } from '../errors/transport-error.js';
import { connectionLost, sessionFailure } from '../session/session-failure.js';
import type { TunnelStream } from './tunnel-stream.js';

/**
 * Why a tunnel stream that closed without a recorded failure still lost bytes, or undefined when it did
 * not: the local side closed it on purpose, or the peer had ended its side. A stream destroyed without an
 * error (the socket closed cleanly, the session was torn down) must not look like success.
 *
 * @example
 * ```ts
 * const error = closeReason(stream, { closedLocally: false, peerEnded: peerEnded(), session });
 * ```
 */
// `session` is the one the stream had when it opened: Node detaches it from a destroyed stream.
export function closeReason(
  stream: TunnelStream,
  facts: { readonly closedLocally: boolean; readonly peerEnded: boolean; readonly session: Http2Session | undefined },
): TransportError | undefined {
  if (facts.closedLocally) return undefined;
  // A session torn down under the stream (socket closed or reset) closes it with CANCEL: that is the
  // connection lost, not a reset the peer chose.
  const session = facts.session;
  const sessionError =
    session === undefined ? undefined : (sessionFailure(session) ?? (connectionLost(session) ? sessionClosed('connection lost') : undefined));
  const rst = stream.rstCode;
  if (rst !== undefined && rst !== constants.NGHTTP2_NO_ERROR) return sessionError ?? streamReset(rst, 'stream reset');
  if (facts.peerEnded) return undefined;
  // RST_STREAM(NO_ERROR) before END_STREAM (Node's bare stream.destroy() sends it): still cut off.
  return (
    sessionError ??
    (rst !== undefined ? streamReset(rst, 'stream reset before the peer finished sending') : sessionClosed('stream closed before the peer finished sending'))
  );
}
