import * as http from 'node:http';
import type { Http2SecureServer, Http2Server, Http2Session, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { Subject } from 'rxjs';
import type { Connection } from '../../connection/connection.js';
import { headerListSize } from '../../protocol/header-list-size.js';
import type { ForwardedForTrust } from '../../protocol/remote-address.js';
import type { ServerEvent } from '../server-events.js';
import { h1Exchange } from './h1-exchange.js';
import { h2Exchange } from './h2-exchange.js';
import { serveHttp1Beside } from './http1-beside-h2.js';
import { SessionTable, type SessionTableStats } from './session-table.js';
import type { XhttpServerConfig } from './xhttp-server-config.js';
import { handleXhttp, type XhttpHubContext } from './xhttp-hub.js';
import type { TunnelCount } from '../tunnel-count.js';

/** What the XHTTP service shares with the listener it runs in. */
export interface XhttpServiceShared {
  readonly connections: Subject<Connection>;
  readonly events: Subject<ServerEvent>;
  readonly sessionId: (session: Http2Session | undefined) => number | undefined;
  readonly forwardedFor: ForwardedForTrust;
  readonly maxHeaderListSize: number;
  /** Milliseconds a client has for its request headers (and a cleartext one for its first bytes). */
  readonly headerTimeoutMs: number;
  /** The listener's tunnels of both shapes, under one `maxTunnels`. */
  readonly tunnels: TunnelCount;
}

/** XHTTP inside a listener: it answers the requests it claims, over HTTP/2 and HTTP/1.1. */
export interface XhttpService {
  /** Whether an HTTP/2 request for `path` is XHTTP's to answer (the rest is v2ray's PUT). */
  claims(path: string | undefined): boolean;
  handleStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: readonly string[]): void;
  stats(): SessionTableStats;
  /** Ends every session and HTTP/1.1 connection. */
  close(): void;
}

/**
 * Starts XHTTP on `server`, which must not have started listening and must have nothing else on its
 * connections yet: HTTP/1.1 is served beside HTTP/2 (see {@link serveHttp1Beside}), by a Node HTTP/1.1
 * server that never closes an idle keep-alive connection nor times out a long request, because Xray's
 * client pipelines packet POSTs on pooled connections without reading the answers, and its downloads
 * and stream uploads last as long as their tunnels.
 *
 * @example
 * ```ts
 * const xhttp = startXhttpService(server, config, shared, tls !== undefined);
 * server.on('stream', (s, h, _f, raw) => (xhttp.claims(h[':path']) ? xhttp.handleStream(s, h, raw) : v2ray(s, h)));
 * ```
 */
export function startXhttpService(server: Http2Server | Http2SecureServer, config: XhttpServerConfig, shared: XhttpServiceShared, tls: boolean): XhttpService {
  const table = new SessionTable(config.table);
  const context: XhttpHubContext = {
    ...config,
    table,
    connections: shared.connections,
    events: shared.events,
    sessionId: shared.sessionId,
    tunnels: shared.tunnels,
  };
  const http1 = http.createServer({ maxHeaderSize: shared.maxHeaderListSize, requestTimeout: 0, keepAliveTimeout: 0, headersTimeout: shared.headerTimeoutMs });
  http1.keepAliveTimeout = 0;
  http1.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    if (!config.besideV2ray || claims(request.url)) return handleXhttp(h1Exchange(request, response, shared.forwardedFor), context);
    // v2ray's hub speaks HTTP/2 only: an HTTP/1.1 request outside XHTTP's path finds nothing.
    response.writeHead(404, { 'content-length': '0' }).end();
  });
  http1.on('clientError', (_error, socket) => socket.destroy());
  // Node checks the header timeout only on a server that emitted 'listening'; this one gets its sockets handed over.
  http1.emit('listening');
  serveHttp1Beside(server, http1, tls, shared.headerTimeoutMs);

  function claims(path: string | undefined): boolean {
    if (!config.besideV2ray) return true;
    try {
      return path !== undefined && decodeURIComponent(path.split('?')[0] ?? '').startsWith(config.rules.base);
    } catch {
      return false;
    }
  }

  return {
    claims,
    handleStream(stream, headers, rawHeaders) {
      const exchange = h2Exchange(stream, headers, shared.forwardedFor);
      // nghttp2 applies our header-list limit only once the client acknowledged it: checked here too.
      if (headerListSize(rawHeaders) <= shared.maxHeaderListSize) return handleXhttp(exchange, context);
      exchange.respond(431, {}, false);
      shared.events.next({
        type: 'rejected',
        status: 431,
        reason: 'header-size',
        authority: exchange.facts.authority,
        path: exchange.facts.path,
        remoteAddress: exchange.remoteAddress,
      });
    },
    stats: () => table.stats(),
    close() {
      table.closeAll();
      http1.close();
      http1.closeAllConnections();
    },
  };
}
