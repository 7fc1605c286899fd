import { constants, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { remoteAddress, type ForwardedForTrust } from '../../protocol/remote-address.js';
import { connectionLost } from '../../session/session-failure.js';
import type { XhttpRequestFacts } from '../../protocol/xhttp/classify-request.js';
import type { ResponseHeaders } from '../../protocol/xhttp/response-headers.js';
import { corsAskOf, firstValue, type CorsAsk, type ExchangeEnd, type XhttpExchange } from './exchange.js';

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
  return new H2Exchange(stream, headers, trust);
}

// A class, not an object of closures: one of these lives as long as each tunnel over HTTP/2, and its
// methods are then shared instead of allocated per request (about 1 KB a held tunnel in heap snapshots).
class H2Exchange implements XhttpExchange {
  readonly facts: XhttpRequestFacts;
  readonly cors: CorsAsk;
  readonly remoteAddress: string | undefined;
  readonly session: Http2Session | undefined;
  private ended = false;

  constructor(
    readonly stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    trust: ForwardedForTrust,
  ) {
    const length = headers['content-length'];
    this.session = stream.session;
    // A reset or failing stream must never take the process down; the ends are reported through onEnd.
    stream.on('error', ignore);
    this.facts = {
      method: headers[':method'] ?? 'GET',
      authority: headers[':authority'] ?? headers.host,
      path: headers[':path'] ?? '',
      referer: firstValue(headers.referer),
      contentLength: length === undefined ? undefined : Number(length),
    };
    this.cors = corsAskOf(headers);
    this.remoteAddress = remoteAddress(headers['x-forwarded-for'], this.session?.socket?.remoteAddress, trust);
  }

  get body(): ServerHttp2Stream {
    return this.stream;
  }

  get response(): ServerHttp2Stream {
    return this.stream;
  }

  get done(): boolean {
    return this.ended || this.stream.destroyed;
  }

  respond(status: number, responseHeaders: ResponseHeaders, open: boolean): void {
    const stream = this.stream;
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
  }

  endResponse(done?: () => void): void {
    if (this.stream.destroyed || this.stream.writableEnded) return done?.();
    // Node reports a failed end through 'error' (swallowed above) and the close: done runs either way.
    this.stream.end(() => done?.());
  }

  reset(): void {
    if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_CANCEL);
  }

  onEnd(listener: (end: ExchangeEnd) => void): void {
    this.stream.once('close', () => {
      this.ended = true;
      listener(endOf(this.stream, this.session));
    });
  }
}

function ignore(): void {}

// `session` as it was: a closed stream no longer knows its session.
function endOf(stream: ServerHttp2Stream, session: Http2Session | undefined): ExchangeEnd {
  if (session !== undefined && connectionLost(session)) return 'lost';
  const code = stream.rstCode;
  if (code === undefined || code === constants.NGHTTP2_NO_ERROR) return 'finished';
  return code === constants.NGHTTP2_CANCEL ? 'cancelled' : 'lost';
}
