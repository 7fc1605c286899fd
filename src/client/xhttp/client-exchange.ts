import type { ClientHttp2Stream, Http2Session } from 'node:http2';
import type { Readable, Writable } from 'node:stream';
import type { XhttpRequestHead } from '../../protocol/xhttp/request-headers.js';

/** A request's body: none (sent ended), streamed (left open for writes), or one packet sent whole with its length. */
export type RequestBody = { readonly kind: 'none' } | { readonly kind: 'stream' } | { readonly kind: 'packet'; readonly payload: Buffer };

/** An answer's status, and its body to read. */
export interface ClientResponse {
  readonly status: number;
  readonly body: Readable;
}

/**
 * One XHTTP request on its way, whatever the HTTP version: an HTTP/2 stream on a pooled session, or an
 * HTTP/1.1 request.
 */
export interface ClientExchange {
  /** The request body, to write when it was opened as a stream. */
  readonly upload: Writable;
  /**
   * Resolves once the request is on a connected socket, TLS handshake and checks done (HTTP/2: its
   * session is; HTTP/1.1: its own connection, or a kept-alive one); rejects as `response` does when the
   * request fails first. A dial that does not wait for the answer waits for this.
   */
  readonly sent: Promise<void>;
  /** Resolves once the response headers came; rejects with a TransportError when the request fails first. */
  readonly response: Promise<ClientResponse>;
  /** The HTTP/2 session it rides on, and its id in the pool's events; undefined on HTTP/1.1. */
  readonly session: Http2Session | undefined;
  readonly sessionId: number | undefined;
  /** The HTTP/2 stream, both ways at once (a stream-one tunnel as it is); undefined on HTTP/1.1. */
  readonly stream: ClientHttp2Stream | undefined;
  /**
   * Cuts it: RST_STREAM(CANCEL) without END_STREAM, or the HTTP/1.1 socket destroyed. A function of its
   * own, not a method: a split tunnel keeps it for its life without keeping the whole exchange.
   */
  readonly cancel: () => void;
  /** Stops new tunnels on its connection (a non-200 on a download): the pool's eviction, nothing on HTTP/1.1. */
  evictConnection(reason: Error): void;
}

/** Sends the XHTTP requests of one tunnel to one server. */
export interface XhttpTransport {
  /** Sends `head` with `body`; `signal` aborting before it resolves gives back whatever it took, after it cancels the exchange. */
  open(head: XhttpRequestHead, body: RequestBody, signal: AbortSignal): Promise<ClientExchange>;
  /** The tunnel ended: its connection's reuse limits count it as running no longer. Idempotent. */
  release(): void;
}
