import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { Subject, type Observable } from 'rxjs';
import { formatHostPort, parseListenAddress, type ListenAddress } from '../settings/address.js';
import { resolveHealthCheck, resolveHttp } from '../settings/resolve-dial-settings.js';
import type { Connection } from '../connection/connection.js';
import { invalidConfig, type TransportError } from '../errors/transport-error.js';
import { isTransportError } from '../errors/error-guards.js';
import { localSettings, MAX_SESSION_MEMORY_MB } from '../session/flow-control.js';
import { listenOn } from '../net/listen-on.js';
import { forwardedForTrust, type ForwardedForTrust } from '../protocol/remote-address.js';
import { checkListenOptions } from './check-listen-options.js';
import { singleConsumer } from './single-consumer.js';
import { handleTunnelStream, type HubContext } from './hub.js';
import { guardMissingSni, secureServerOptions } from './server-tls.js';
import type { ServerEvent, TunnelServerStats } from './server-events.js';
import type { ListenOptions } from './server-options.js';
import { DEFAULT_RESET_LIMITS } from './reset-budget.js';
import { SessionTracker } from './session-tracker.js';
import { TunnelCount } from './tunnel-count.js';
import { resolveXhttpServer, type XhttpServerConfig } from './xhttp/xhttp-server-config.js';
import { startXhttpService } from './xhttp/xhttp-service.js';

// Silence before a server PINGs its client; the health-check timeout (15 s) follows.
const SERVER_READ_IDLE_TIMEOUT_MS = 30_000;

/** A listening tunnel server. */
export interface TunnelServer {
  /** The bound TCP address, or the unix socket path. */
  readonly address: AddressInfo | string;
  /**
   * Accepted tunnels, each to exactly one subscriber: a second one while the first is active gets a
   * UsageError. Subscribe before clients dial: with no subscriber, tunnels are refused (503).
   */
  readonly connections: Observable<Connection>;
  /** Rejections (404), sessions opened and closed, session errors. */
  readonly events: Observable<ServerEvent>;
  /** Open sessions and tunnels right now, and the health-check PINGs so far. */
  stats(): TunnelServerStats;
  /** Stops accepting and sends GOAWAY within the call, lets tunnels finish for `drainMs`, then destroys what is left. */
  close(drainMs?: number): Promise<void>;
}

/**
 * Starts a tunnel server answering like v2ray's hub: TLS with ALPN h2, or h2c. Rejects with a typed
 * error when the options are invalid or the address cannot be bound.
 *
 * @example
 * ```ts
 * const server = await listen({ listen: '127.0.0.1:0', h2c: true, host: ['tunnel.test'], path: '/tun' });
 * server.connections.subscribe((conn) => conn.toDuplex().pipe(conn.toDuplex())); // echo
 * ```
 */
export async function listen(options: ListenOptions): Promise<TunnelServer> {
  const config = resolveServerConfig(options);
  if (E.isLeft(config)) throw config.left;
  const { address, rules, headers, healthCheck, forwardedFor, xhttp: xhttpConfig } = config.right;
  const connections = new Subject<Connection>();
  const events = new Subject<ServerEvent>();
  const maxHeaderListSize = options.maxHeaderListSize ?? 16_384;
  const serverOptions: http2.SecureServerOptions = {
    settings: localSettings({ maxConcurrentStreams: options.maxConcurrentStreams ?? 250, maxHeaderListSize }),
    maxSessionMemory: MAX_SESSION_MEMORY_MB,
    // Refuse HTTP/1.1 on the tunnel port rather than answering it: v2ray's hub is HTTP/2 only. XHTTP
    // answers it (allowHTTP1 makes TLS offer ALPN http/1.1; the service takes those connections).
    allowHTTP1: xhttpConfig !== undefined && options.tls !== undefined,
  };
  const server = createServer(options, serverOptions);
  const headerTimeoutMs = options.headerTimeoutMs ?? 4_000;
  const sessionId = (session: http2.Http2Session | undefined) => tracker.idOf(session);
  const tunnels = new TunnelCount(options.maxTunnels ?? 0);
  const context: HubContext = { rules, maxHeaderListSize, forwardedFor, headers, connections, events, sessionId, tunnels };
  const xhttp =
    xhttpConfig === undefined
      ? undefined
      : startXhttpService(
          server,
          xhttpConfig,
          { connections, events, sessionId, forwardedFor, maxHeaderListSize, headerTimeoutMs, tunnels },
          options.tls !== undefined,
        );
  const tracker = new SessionTracker(server, events, {
    healthCheck,
    headerTimeoutMs,
    bulkCap: options.bulkCap === true,
    idleTimeoutMs: options.idleSessionTimeoutMs ?? 300_000,
    maxSessionsPerAddress: options.maxSessionsPerAddress ?? 100,
    maxSessions: options.maxSessions ?? 0,
    resets: { burst: options.maxResetBurst ?? DEFAULT_RESET_LIMITS.burst, perSecond: options.maxResetsPerSecond ?? DEFAULT_RESET_LIMITS.perSecond },
  });
  server.on('stream', (stream: http2.ServerHttp2Stream, requestHeaders: http2.IncomingHttpHeaders, _flags: number, rawHeaders: string[]) =>
    xhttp?.claims(requestHeaders[':path']) === true
      ? xhttp.handleStream(stream, requestHeaders, rawHeaders)
      : handleTunnelStream(stream, requestHeaders, rawHeaders, context),
  );

  const label = address.kind === 'unix' ? `unix:${address.path}` : formatHostPort(address);
  const bound = await listenOn(server, address.kind === 'unix' ? { path: address.path } : { port: address.port, host: address.host }, label, (error) =>
    events.next({ type: 'error', error }),
  );
  return {
    address: bound,
    connections: singleConsumer(connections, 'connections'),
    events: events.asObservable(),
    stats: () => (xhttp === undefined ? { ...tracker.stats(), tunnels: tunnels.size } : { ...tracker.stats(), tunnels: tunnels.size, xhttp: xhttp.stats() }),
    close: async (drainMs = 0) => {
      // Both before the first await: the port is closed and GOAWAY sent within the call.
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await tracker.closeAll(drainMs);
      xhttp?.close();
      await stopped;
      connections.complete();
      events.complete();
    },
  };
}

function createServer(options: ListenOptions, serverOptions: http2.SecureServerOptions): http2.Http2Server | http2.Http2SecureServer {
  if (options.tls === undefined) return http2.createServer(serverOptions);
  try {
    const server = http2.createSecureServer({ ...serverOptions, ...secureServerOptions(options.tls, options.handshakeTimeoutMs ?? 10_000) });
    guardMissingSni(server, options.tls);
    return server;
  } catch (error) {
    // OpenSSL's reason only ("DECODER routines::unsupported"): never echo the PEM itself.
    throw invalidConfig('tls', `the certificate or key could not be loaded: ${(error as Error).message}`);
  }
}

interface ServerConfig {
  readonly address: ListenAddress;
  readonly rules: HubContext['rules'];
  readonly headers: HubContext['headers'];
  readonly healthCheck: ReturnType<typeof resolveHealthCheck>;
  readonly forwardedFor: ForwardedForTrust;
  readonly xhttp: XhttpServerConfig | undefined;
}

function resolveServerConfig(given: ListenOptions): E.Either<TransportError, ServerConfig> {
  const checked = checkListenOptions(given);
  if (E.isLeft(checked)) return checked;
  const options = checked.right;
  try {
    if (options.tls !== undefined && options.h2c === true) return E.left(invalidConfig('h2c', 'cannot be combined with TLS settings; choose one'));
    if (options.tls === undefined && options.h2c !== true) return E.left(invalidConfig('tls', 'a server needs a certificate and key, or h2c: true'));
    const address = typeof options.listen === 'string' ? parseListenAddress(options.listen) : E.right(options.listen);
    if (E.isLeft(address)) return address;
    const http = resolveHttp(options);
    const forwardedFor = forwardedForTrust(options.trustForwardedFor);
    if (typeof forwardedFor === 'string') return E.left(invalidConfig('trustForwardedFor', forwardedFor));
    const hosts = options.host === undefined || options.host.length === 0 ? undefined : http.hosts;
    const xhttp = options.xhttp === undefined ? E.right(undefined) : resolveXhttpServer({ path: options.path, xhttp: options.xhttp }, hosts);
    if (E.isLeft(xhttp)) return xhttp;
    return E.right({
      xhttp: xhttp.right,
      forwardedFor,
      address: address.right,
      // With no host configured accept any Host (v2fly v5, Xray); v2ray 4.34 would accept only its default.
      rules: {
        hosts,
        path: http.path,
        hostMatch: options.hostMatch ?? 'exact',
      },
      headers: http.headers,
      // A client that vanished without a FIN (machine gone, NAT dropped) is found within 30 + 15 s, and
      // its forward connections reset; v2ray keeps them until its 300 s idle policy.
      healthCheck: resolveHealthCheck(options, SERVER_READ_IDLE_TIMEOUT_MS),
    });
  } catch (error) {
    if (isTransportError(error)) return E.left(error);
    throw error;
  }
}
