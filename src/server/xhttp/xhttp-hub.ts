import type { Http2Session } from 'node:http2';
import type { Subject } from 'rxjs';
import { Connection } from '../../connection/connection.js';
import { classifyXhttpRequest, type XhttpServerRules } from '../../protocol/xhttp/classify-request.js';
import { commonHeaders, downloadHeaders, preflightHeaders, streamUpHeaders, type ResponseHeadRules } from '../../protocol/xhttp/response-headers.js';
import type { Range } from '../../settings/xhttp-settings.js';
import type { ServerEvent, XhttpRejection } from '../server-events.js';
import type { XhttpExchange } from './exchange.js';
import { guardBodyEnd } from './guard-body-end.js';
import { readPacket } from './read-packet.js';
import type { SessionTable } from './session-table.js';
import { SplitTunnel } from './split-tunnel.js';
import { StreamUpload } from './stream-upload.js';
import type { TunnelCount } from '../tunnel-count.js';

/** What the XHTTP hub needs to answer a request. */
export interface XhttpHubContext {
  readonly rules: XhttpServerRules;
  readonly responses: ResponseHeadRules;
  /** How often a stream-up response is padded; undefined never. */
  readonly streamUpPaddingMs: Range | undefined;
  /** Milliseconds a streaming upload may outlive its download before it counts as cut off. */
  readonly uploadGraceMs: number;
  readonly table: SessionTable;
  readonly connections: Subject<Connection>;
  readonly events: Subject<ServerEvent>;
  readonly sessionId: (session: Http2Session | undefined) => number | undefined;
  readonly tunnels: TunnelCount;
}

/**
 * Answers one XHTTP request as Xray's server does: the refusals of {@link classifyXhttpRequest}, then
 * stream-one as a tunnel of its own, and a session's download, stream upload or packet. A tunnel reaches
 * the application when its download comes, never for a refused request; with nobody subscribed, 503.
 *
 * @example
 * ```ts
 * server.on('stream', (stream, headers) => handleXhttp(h2Exchange(stream, headers, trust), context));
 * ```
 */
export function handleXhttp(exchange: XhttpExchange, context: XhttpHubContext): void {
  const decision = classifyXhttpRequest(exchange.facts, context.rules);
  switch (decision._tag) {
    case 'Refuse':
      return refuse(exchange, context, decision);
    case 'Preflight': {
      const headers = preflightHeaders(exchange.cors.origin, exchange.cors.method, exchange.cors.headers, context.rules.paddingBytes);
      return exchange.respond(200, headers, false);
    }
    case 'StreamOne':
      return streamOne(exchange, context);
    case 'Download':
      return download(exchange, decision.sessionId, context);
    case 'StreamUp':
      return streamUp(exchange, decision.sessionId, context);
    case 'Packet':
      return void packet(exchange, decision.sessionId, decision.seq, context);
  }
}

function streamOne(exchange: XhttpExchange, context: XhttpHubContext): void {
  if (!context.connections.observed) return refuse(exchange, context, { status: 503, reason: 'no-handler' });
  const slot = context.tunnels.take();
  if (slot === 'full') return refuse(exchange, context, FULL);
  exchange.respond(200, downloadHeaders(exchange.cors.origin, context.responses), true);
  // Over HTTP/2 the stream is the whole tunnel, as v2ray's PUT; over HTTP/1.1 request and response are two halves.
  const tunnel = exchange.stream ?? new SplitTunnel(exchange);
  tunnel.once('close', slot);
  if (tunnel instanceof SplitTunnel) new StreamUpload(exchange, { graceMs: context.uploadGraceMs, ownResponse: undefined }).connect(tunnel);
  handOver(tunnel, exchange, context);
}

function download(exchange: XhttpExchange, sessionId: string, context: XhttpHubContext): void {
  if (!context.connections.observed) return refuse(exchange, context, { status: 503, reason: 'no-handler' });
  const session = context.table.upsert(sessionId);
  if (session === 'full') return refuse(exchange, context, { status: 503, reason: 'busy' });
  const slot = context.tunnels.take();
  if (slot === 'full') return refuse(exchange, context, FULL);
  const tunnel = session.openDownload(exchange);
  if (tunnel === 'conflict') {
    slot();
    return refuse(exchange, context, { status: 409, reason: 'conflict' });
  }
  tunnel.once('close', slot);
  exchange.respond(200, downloadHeaders(exchange.cors.origin, context.responses), true);
  handOver(tunnel, exchange, context);
}

function streamUp(exchange: XhttpExchange, sessionId: string, context: XhttpHubContext): void {
  const session = context.table.upsert(sessionId);
  if (session === 'full') return refuse(exchange, context, { status: 503, reason: 'busy' });
  // Xray pads the response only for a client that padded its request in the Referer.
  const padEveryMs = exchange.facts.referer === undefined ? undefined : context.streamUpPaddingMs;
  const upload = session.streamUpload(exchange, { graceMs: context.uploadGraceMs, ownResponse: { padEveryMs, paddingBytes: context.rules.paddingBytes } });
  if (upload === 'conflict') return refuse(exchange, context, { status: 409, reason: 'conflict' });
  exchange.respond(200, streamUpHeaders(exchange.cors.origin, context.responses), true);
  upload.answered();
}

async function packet(exchange: XhttpExchange, sessionId: string, seq: number, context: XhttpHubContext): Promise<void> {
  const session = context.table.upsert(sessionId);
  if (session === 'full') return refuse(exchange, context, { status: 503, reason: 'busy' });
  const upload = session.packets();
  if (upload === 'conflict') return refuse(exchange, context, { status: 409, reason: 'conflict' });
  // A packet ahead of the window waits with its body unread: the client's flow control holds the rest.
  const place = await upload.roomFor(seq);
  if (place === 'too-far') {
    session.close();
    return refuse(exchange, context, { status: 400, reason: 'too-far' });
  }
  if (place === 'closed') return refuse(exchange, context, { status: 410, reason: 'session-closed' });
  guardBodyEnd(exchange);
  const body = await readPacket(exchange.body, context.rules.maxPacketBytes);
  if (body.kind === 'cut') return;
  if (body.kind === 'too-large') return refuse(exchange, context, { status: 413, reason: 'packet-size' });
  const outcome = upload.put(seq, body.payload);
  if (outcome === 'over-budget') return refuse(exchange, context, { status: 503, reason: 'busy' });
  if (outcome === 'closed') return refuse(exchange, context, { status: 410, reason: 'session-closed' });
  const headers = commonHeaders(exchange.cors.origin, context.rules.paddingBytes);
  exchange.respond(200, body.payload.length === 0 ? Object.assign(headers, { 'cache-control': 'no-store' }) : headers, false);
}

// Node hands a stream over before it has read the frames after its HEADERS in the same packet, a rapid-reset
// client's RST_STREAM among them: decide once they are processed, so a request the client already reset
// never reaches the application, nor the forward target it would connect to.
function handOver(tunnel: SplitTunnel | NonNullable<XhttpExchange['stream']>, exchange: XhttpExchange, context: XhttpHubContext): void {
  // Until then nobody hears the tunnel fail: a session lost in the same read as the request (nghttp2's
  // reset-rate GOAWAY, a reset connection) would end the process with an unheard 'error'. After it, the
  // Connection reports failures.
  tunnel.on('error', () => undefined);
  setImmediate(() => {
    if (exchange.done || tunnel.destroyed) {
      if (!tunnel.destroyed) tunnel.destroy();
      return;
    }
    const info = {
      remoteAddress: exchange.remoteAddress,
      authority: exchange.facts.authority,
      path: exchange.facts.path,
      session: context.sessionId(exchange.session),
    };
    context.connections.next(new Connection(tunnel, info, exchange.remoteAddress ?? 'client'));
  });
}

// The server's own capacity (`maxTunnels`), beyond Xray's rules, as for a v2ray PUT.
const FULL = { status: 503, reason: 'server-full' } as const;

function refuse(exchange: XhttpExchange, context: XhttpHubContext, refusal: Pick<XhttpRejection, 'status' | 'reason'>): void {
  // A 404 says nothing: no padding, no CORS, as Xray's.
  exchange.respond(refusal.status, refusal.status === 404 ? {} : commonHeaders(exchange.cors.origin, context.rules.paddingBytes), false);
  const { authority, path } = exchange.facts;
  context.events.next({
    type: 'rejected',
    status: refusal.status,
    reason: refusal.reason,
    authority,
    path,
    remoteAddress: exchange.remoteAddress,
  });
}
