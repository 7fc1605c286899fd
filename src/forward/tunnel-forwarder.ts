import { connect } from 'node:net';
import type { Connection } from '../connection/connection.js';
import { timeout } from '../errors/transport-error.js';
import type { Logger } from 'pino';
import type { Subscription } from 'rxjs';
import { formatHostPort, type HostPort } from '../settings/address.js';
import type { ServerTunnelMetrics } from '../metrics/server-metrics.js';
import type { TunnelServer } from '../server/listen.js';
import { bridge, DEFAULT_IDLE_TIMEOUT_MS } from './bridge.js';
import { ForwardGate } from './forward-gate.js';
import { logError } from '../errors/error-log.js';
import { settleBy } from './settle-by.js';
import { Traffic } from './traffic.js';

/** How tunnels are forwarded. */
export interface ForwardOptions {
  /** A connect to the target that takes longer fails the tunnel (ConnectFailed, caused by a Timeout). */
  readonly connectTimeoutMs: number;
  /** A tunnel with no byte either way for this long is reset at both ends; 0 never. */
  readonly idleTimeoutMs: number;
  /** Told of each forward connect and each tunnel's end, for `--metrics`. */
  readonly report?: ServerTunnelMetrics;
}

/** A connect to the target gets 10 s; a tunnel idle for 300 s is reset (v2ray's `connIdle`). */
export const DEFAULT_FORWARD_OPTIONS: ForwardOptions = { connectTimeoutMs: 10_000, idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS };

/** Forward connects one session may have in progress at once; the rest wait (see {@link ForwardGate}). */
export const FORWARD_CONNECTS_PER_SESSION = 32;

/** Tunnels being forwarded to a TCP target. */
export interface TunnelForwarder {
  readonly traffic: Traffic;
  /** Tunnels open right now. */
  open(): number;
  /** Closes the server (stops listening and sends GOAWAY within the call, drains until `deadline`, epoch ms), then cuts what is left. */
  close(deadline: number): Promise<void>;
}

/**
 * Forwards every tunnel `server` accepts to the TCP address `forward`, bridged with backpressure and
 * half-close, and logs the server's events: sessions at info, 404s at warn, tunnels at debug. A
 * target that cannot be reached in time resets the tunnel and is logged. At most
 * {@link FORWARD_CONNECTS_PER_SESSION} connects per session are in flight, and a tunnel reset while it
 * waits for its turn never reaches the target.
 *
 * @example
 * ```ts
 * const forwarder = forwardTunnels(await listen(options), { host: '127.0.0.1', port: 22 }, log, { connectTimeoutMs: 10_000, idleTimeoutMs: 300_000 });
 * ```
 */
export function forwardTunnels(server: TunnelServer, forward: HostPort, log: Logger, options: ForwardOptions = DEFAULT_FORWARD_OPTIONS): TunnelForwarder {
  const traffic = new Traffic('down');
  const bridges = new Set<Promise<unknown>>();
  const gate = new ForwardGate(FORWARD_CONNECTS_PER_SESSION);
  const target = formatHostPort(forward);
  let next = 0;

  const forwardOne = (connection: Connection, tunnel: number, accepted: number, release: () => void) => {
    if (connection.closed) return release();
    const report = options.report;
    const socket = connect({ host: forward.host, port: forward.port, allowHalfOpen: true, noDelay: true });
    const timer = setTimeout(() => socket.destroy(timeout('connecting to the forward target', options.connectTimeoutMs)), options.connectTimeoutMs);
    let reached = false;
    const connected = () => {
      clearTimeout(timer);
      release();
    };
    socket.once('connect', () => {
      reached = true;
      report?.connected((performance.now() - accepted) / 1000);
      connected();
    });
    socket.once('close', connected);
    traffic.track(socket);
    const done = bridge(socket, connection, { socketAddress: target, outgoing: true, idleTimeoutMs: options.idleTimeoutMs }).then((result) => {
      if (report !== undefined) {
        if (!reached) report.failed(result.error?.code ?? 'H2T_ERR_CONNECT');
        void connection.done.then((ended) => report.ended(ended));
      }
      if (result.error !== undefined)
        logError(log, result.error, 'tunnel failed', { tunnel, forward: target, bytesUp: result.fromTunnel, bytesDown: result.toTunnel });
      else log.debug({ tunnel, bytesUp: result.fromTunnel, bytesDown: result.toTunnel }, 'tunnel closed');
    });
    bridges.add(done);
    void done.finally(() => bridges.delete(done));
  };

  const subscriptions: Subscription[] = [
    server.events.subscribe((event) => {
      if (event.type === 'rejected')
        log.warn(
          { status: event.status, reason: event.reason, authority: event.authority, path: event.path, remoteAddress: event.remoteAddress },
          'tunnel rejected',
        );
      else if (event.type === 'session-opened') log.info({ session: event.session, remoteAddress: event.remoteAddress }, 'session opened');
      else if (event.type === 'session-closed') log.info({ session: event.session, remoteAddress: event.remoteAddress }, 'session closed');
      else logError(log, event.error, event.error._tag === 'ListenFailed' ? 'accept failed' : 'session error');
    }),
    server.connections.subscribe((connection) => {
      const tunnel = ++next;
      const { remoteAddress, authority, path, session } = connection.info;
      log.debug({ tunnel, session, remoteAddress, authority, path }, 'tunnel opened');
      const accepted = performance.now();
      gate.run(session, (release) => forwardOne(connection, tunnel, accepted, release));
    }),
  ];

  return {
    traffic,
    open: () => bridges.size,
    close: async (deadline) => {
      await server.close(Math.max(0, deadline - Date.now()));
      await settleBy(bridges, deadline);
      traffic.destroyAll();
      subscriptions.forEach((subscription) => subscription.unsubscribe());
    },
  };
}
