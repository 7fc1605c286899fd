import type { IncomingMessage, ServerResponse } from 'node:http';
import { remoteAddress, type ForwardedForTrust } from '../../protocol/remote-address.js';
import { corsAskOf, type ExchangeEnd, type XhttpExchange } from './exchange.js';

/**
 * An HTTP/1.1 request and response as an {@link XhttpExchange}. A connection the client closes is its
 * choice: Xray's client closes a download's connection (`Connection: close`) to end a tunnel, and over
 * TCP a close with unread data (a reset) cannot be told from a crash.
 *
 * @example
 * ```ts
 * http1Server.on('request', (req, res) => hub.handle(h1Exchange(req, res, trust)));
 * ```
 */
export function h1Exchange(request: IncomingMessage, response: ServerResponse, trust: ForwardedForTrust): XhttpExchange {
  const length = request.headers['content-length'];
  const ended = { value: false };
  request.on('error', () => undefined);
  response.on('error', () => undefined);
  return {
    facts: {
      method: request.method ?? 'GET',
      authority: request.headers.host,
      path: request.url ?? '',
      referer: request.headers.referer,
      contentLength: length === undefined ? undefined : Number(length),
    },
    cors: corsAskOf(request.headers),
    remoteAddress: remoteAddress(request.headers['x-forwarded-for'], request.socket.remoteAddress, trust),
    body: request,
    response,
    session: undefined,
    stream: undefined,
    respond(status, headers, open) {
      if (response.headersSent || response.destroyed) return;
      if (!open) {
        response.writeHead(status, Object.assign({ 'content-length': '0' }, headers));
        response.end();
        // A body we did not read (a refusal) would be parsed as the next request: hang up after answering.
        if (!request.complete) response.once('finish', () => request.socket.destroy());
        return;
      }
      response.writeHead(status, headers);
      // The headers go now, before any tunnel byte, so the client's download starts (Xray flushes too).
      response.flushHeaders();
    },
    endResponse: (done) => {
      if (response.writableEnded || response.destroyed) return done?.();
      response.end(() => done?.());
    },
    reset: () => {
      request.socket.destroy();
    },
    get done() {
      return ended.value;
    },
    onEnd(listener) {
      response.once('close', () => {
        ended.value = true;
        listener(endOf(request, response));
      });
    },
  };
}

function endOf(request: IncomingMessage, response: ServerResponse): ExchangeEnd {
  return response.writableFinished && request.complete ? 'finished' : 'cancelled';
}
