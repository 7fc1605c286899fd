import { constants, type Http2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Subject } from 'rxjs';
import { Connection } from '../connection/connection.js';
import { headerListSize } from '../protocol/header-list-size.js';
import { remoteAddress, type ForwardedForTrust } from '../protocol/remote-address.js';
import { routeRequest, type RouteDecision, type RouteRules } from '../protocol/route.js';
import type { ServerEvent } from './server-events.js';
import type { TunnelCount } from './tunnel-count.js';

/** What the hub needs to answer a stream. */
export interface HubContext {
  readonly rules: RouteRules;
  /** Whose X-Forwarded-For names the tunnel's remote address. */
  readonly forwardedFor: ForwardedForTrust;
  /** The SETTINGS_MAX_HEADER_LIST_SIZE we advertise. */
  readonly maxHeaderListSize: number;
  /** Extra response headers. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly connections: Subject<Connection>;
  readonly events: Subject<ServerEvent>;
  /** The id session events report for a session. */
  readonly sessionId: (session: Http2Session | undefined) => number | undefined;
  /** The server's tunnels of every shape: past `maxTunnels`, refuse before answering 200. */
  readonly tunnels: TunnelCount;
}

/**
 * Answers one tunnel request as v2ray's hub: 404 for a wrong Host or path (never reaching the
 * application, and saying nothing about where tunnels go), otherwise `cache-control: no-store` and
 * status 200 at once, then the stream is the tunnel. With nobody subscribed to the connections, 503:
 * a tunnel is never accepted only to be dropped.
 */
export function handleTunnelStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: readonly string[], context: HubContext): void {
  const authority = headers[':authority'] ?? headers.host;
  const path = headers[':path'];
  const remote = remoteAddress(headers['x-forwarded-for'], stream.session?.socket?.remoteAddress, context.forwardedFor);
  // A reset or failing stream must never take the process down; the Connection reports it once accepted.
  stream.on('error', () => undefined);
  // nghttp2 applies our SETTINGS_MAX_HEADER_LIST_SIZE only once the client has acknowledged it, and a
  // client that sends its first request without waiting (ours does, to save a round trip) or never
  // acknowledges would pass any header block: the limit is checked here too.
  const routed: RouteDecision = headerListSize(rawHeaders) > context.maxHeaderListSize ? TOO_LARGE : routeRequest({ authority, path }, context.rules);
  // A 503 before the 200 is a refusal the client can retry elsewhere; nothing reached the forward target.
  const slot = routed._tag === 'Accept' ? context.tunnels.take() : undefined;
  if (typeof slot === 'function') stream.once('close', slot);
  const decision: HubDecision = slot === 'full' ? FULL : routed;
  if (decision._tag === 'Reject' || !context.connections.observed) {
    const status = decision._tag === 'Reject' ? decision.status : 503;
    const reason = decision._tag === 'Reject' ? decision.reason : 'no-handler';
    respond(stream, { ':status': status }, true);
    context.events.next({ type: 'rejected', status, reason, authority, path, remoteAddress: remote });
    return;
  }
  // Node hands the stream over before it has read the frames after its HEADERS in the same packet: a
  // rapid-reset client's RST_STREAM is among them. Decide once they are processed, so a stream the client
  // already reset never reaches the application (nor the forward target it would connect to), and answer
  // 200 only for a tunnel someone takes.
  setImmediate(() => {
    if (stream.destroyed || stream.closed) return;
    if (!context.connections.observed) {
      respond(stream, { ':status': 503 }, true);
      context.events.next({ type: 'rejected', status: 503, reason: 'no-handler', authority, path, remoteAddress: remote });
      return;
    }
    // Object.assign, not a spread followed by more keys: V8 builds that ~20x slower, on every tunnel.
    respond(stream, Object.assign({}, context.headers as OutgoingHttpHeaders, { ':status': 200, 'cache-control': 'no-store' }), false);
    const info = { remoteAddress: remote, authority, path, session: context.sessionId(stream.session) };
    context.connections.next(new Connection(stream, info, remote ?? 'client'));
  });
}

const TOO_LARGE: RouteDecision = { _tag: 'Reject', status: 431, reason: 'header-size' };
// Beyond v2ray's rule: the server's own capacity (`maxTunnels`).
type HubDecision = RouteDecision | { readonly _tag: 'Reject'; readonly status: 503; readonly reason: 'server-full' };
const FULL: HubDecision = { _tag: 'Reject', status: 503, reason: 'server-full' };

function respond(stream: ServerHttp2Stream, headers: OutgoingHttpHeaders, endStream: boolean): void {
  if (stream.destroyed || stream.headersSent) return;
  try {
    stream.respond(headers, { endStream });
  } catch {
    // The peer reset the stream between arrival and answer: nothing left to answer.
    stream.close(constants.NGHTTP2_CANCEL);
  }
}
