import { constants, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { remoteAddress, type ForwardedForTrust } from '../../protocol/remote-address.js';
import { connectionLost } from '../../session/session-failure.js';
import type { ExchangeEnd, XhttpExchange } from './exchange.js';

/**
 * An HTTP/2 stream as an {@link XhttpExchange}. A reset with CANCEL on a live session is the client's
 * choice (Xray's client cancels the download to close a tunnel); a lost session or another code is not.
 *
 * @example
 * ```ts
 * server.on('stream', (stream, headers) => hub.handle(h2Exchange(stream, headers, trust)));
 * ```
 */
export function h2Exchange(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, trust: ForwardedForTrust): XhttpExchange {
  const length = headers['content-length'];
  const session = stream.session;
  const ended = { value: false };
  // A reset or failing stream must never take the process down; the ends are reported through onEnd.
  stream.on('error', () => undefined);
  return {
    facts: {
      method: headers[':method'] ?? 'GET',
      authority: headers[':authority'] ?? headers.host,
      path: headers[':path'] ?? '',
      referer: first(headers.referer),
      contentLength: length === undefined ? undefined : Number(length),
    },
    header: (name) => first(headers[name]),
    remoteAddress: remoteAddress(headers['x-forwarded-for'], session?.socket?.remoteAddress, trust),
    body: stream,
    response: stream,
    session,
    stream,
    respond(status, responseHeaders, open) {
      if (stream.destroyed || stream.headersSent) return;
      try {
        stream.respond(Object.assign({ ':status': status }, responseHeaders), { endStream: !open });
        // A response that ends the exchange: the request body is not wanted, and Go's client sends none
        // after it (a packet POST's body was read already). RST_STREAM(NO_ERROR) frees the stream at once.
        if (!open && !stream.readableEnded) stream.close(constants.NGHTTP2_NO_ERROR);
      } catch {
        // The client reset the stream between arrival and answer: nothing left to answer.
        stream.close(constants.NGHTTP2_CANCEL);
      }
    },
    endResponse: (done) => {
      if (stream.destroyed || stream.writableEnded) return done?.();
      // Node reports a failed end through 'error' (swallowed above) and the close: done runs either way.
      stream.end(() => done?.());
    },
    reset: () => {
      if (!stream.destroyed) stream.close(constants.NGHTTP2_CANCEL);
    },
    get done() {
      return ended.value || stream.destroyed;
    },
    onEnd(listener) {
      stream.once('close', () => {
        ended.value = true;
        listener(endOf(stream, session));
      });
    },
  };
}

// `session` as it was: a closed stream no longer knows its session.
function endOf(stream: ServerHttp2Stream, session: Http2Session | undefined): ExchangeEnd {
  if (session !== undefined && connectionLost(session)) return 'lost';
  const code = stream.rstCode;
  if (code === undefined || code === constants.NGHTTP2_NO_ERROR) return 'finished';
  return code === constants.NGHTTP2_CANCEL ? 'cancelled' : 'lost';
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
