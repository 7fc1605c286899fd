import type { IncomingHttpHeaders } from 'node:http';
import type { Http2Session, ServerHttp2Stream } from 'node:http2';
import type { Readable, Writable } from 'node:stream';
import type { XhttpRequestFacts } from '../../protocol/xhttp/classify-request.js';
import type { ResponseHeaders } from '../../protocol/xhttp/response-headers.js';

/**
 * How an exchange ended for its client: it finished both ways, the client cancelled it (its choice: an
 * RST_STREAM(CANCEL) on a live HTTP/2 session, or an HTTP/1.1 connection it closed), or it was lost (the
 * HTTP/2 connection died, or a reset with an error code).
 */
export type ExchangeEnd = 'finished' | 'cancelled' | 'lost';

/** What a request asks of CORS: its `Origin`, and a preflight's `Access-Control-Request-*` headers. */
export interface CorsAsk {
  readonly origin: string | undefined;
  readonly method: string | undefined;
  readonly headers: string | undefined;
}

/**
 * The {@link CorsAsk} of a request's headers, HTTP/1.1 or HTTP/2 (lower-case names).
 *
 * @example
 * ```ts
 * corsAskOf({ origin: 'https://a.test' }); // { origin: 'https://a.test', method: undefined, headers: undefined }
 * ```
 */
export function corsAskOf(headers: IncomingHttpHeaders): CorsAsk {
  return {
    origin: firstValue(headers.origin),
    method: firstValue(headers['access-control-request-method']),
    headers: firstValue(headers['access-control-request-headers']),
  };
}

/** A header's first value, where Node gives a repeated one as an array. */
export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One XHTTP request and its response, whatever the HTTP version: an HTTP/2 stream, or an HTTP/1.1
 * request and response. The hub and the sessions see only this. It lives as long as its tunnel, so it
 * keeps the few request headers it answers by, not the request's whole header block.
 */
export interface XhttpExchange {
  readonly facts: XhttpRequestFacts;
  readonly cors: CorsAsk;
  /** The tunnel's remote address (the socket's, or a trusted X-Forwarded-For). */
  readonly remoteAddress: string | undefined;
  /** The request body. */
  readonly body: Readable;
  /** The response body, to write once {@link respond} was called with `open`. */
  readonly response: Writable;
  /** The HTTP/2 session under it; undefined on HTTP/1.1. */
  readonly session: Http2Session | undefined;
  /** The HTTP/2 stream itself, which is a whole tunnel for stream-one; undefined on HTTP/1.1. */
  readonly stream: ServerHttp2Stream | undefined;
  /** Sends status and headers at once (flushed); the response ends with them unless `open`. */
  respond(status: number, headers: ResponseHeaders, open: boolean): void;
  /**
   * Ends the open response cleanly (END_STREAM, or the last chunk); `done` runs once every byte written
   * before it was handed to the connection, or at once when the response was over already.
   */
  endResponse(done?: () => void): void;
  /** Cuts the exchange: RST_STREAM, or the HTTP/1.1 connection destroyed. */
  reset(): void;
  /** True once the exchange is over either way. */
  readonly done: boolean;
  /** Called once when the exchange is over, with how. */
  onEnd(listener: (end: ExchangeEnd) => void): void;
}
