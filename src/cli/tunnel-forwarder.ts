import { connect } from 'node:net';
import type { Logger } from 'pino';
import type { Subscription } from 'rxjs';
import { formatHostPort, type HostPort } from '../config/address.js';
import type { TunnelServer } from '../server/listen.js';
import { bridge } from './bridge.js';
import { logError } from './logger.js';
import { settleBy } from './shutdown.js';
import { Traffic } from './traffic.js';

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
 * target that cannot be reached resets the tunnel and is logged.
 *
 * @example
 * ```ts
 * const forwarder = forwardTunnels(await listen(options), { host: '127.0.0.1', port: 22 }, log);
 * ```
 */
export function forwardTunnels(server: TunnelServer, forward: HostPort, log: Logger): TunnelForwarder {
  const traffic = new Traffic('down');
  const bridges = new Set<Promise<unknown>>();
  const target = formatHostPort(forward);
  let next = 0;

  const subscriptions: Subscription[] = [
    server.events.subscribe((event) => {
      if (event.type === 'rejected')
        log.warn(
          { status: event.status, reason: event.reason, authority: event.authority, path: event.path, remoteAddress: event.remoteAddress },
          'tunnel rejected',
        );
      else if (event.type === 'session-opened') log.info({ remoteAddress: event.remoteAddress }, 'session opened');
      else if (event.type === 'session-closed') log.info({ remoteAddress: event.remoteAddress }, 'session closed');
      else logError(log, event.error, 'session error');
    }),
    server.connections.subscribe((connection) => {
      const tunnel = ++next;
      log.debug({ tunnel, remoteAddress: connection.info.remoteAddress, authority: connection.info.authority, path: connection.info.path }, 'tunnel opened');
      const socket = connect({ host: forward.host, port: forward.port, allowHalfOpen: true, noDelay: true });
      traffic.track(socket);
      const done = bridge(socket, connection, { socketAddress: target, outgoing: true }).then((result) => {
        if (result.error !== undefined)
          logError(log, result.error, 'tunnel failed', { tunnel, forward: target, bytesUp: result.fromTunnel, bytesDown: result.toTunnel });
        else log.debug({ tunnel, bytesUp: result.fromTunnel, bytesDown: result.toTunnel }, 'tunnel closed');
      });
      bridges.add(done);
      void done.finally(() => bridges.delete(done));
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
