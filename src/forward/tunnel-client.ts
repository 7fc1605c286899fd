import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { plannedDial } from '../client/dial.js';
import type { SessionManager } from '../client/pool/session-manager.js';
import { formatHostPort, type HostPort } from '../settings/address.js';
import type { DialSettings } from '../settings/settings.js';
import { LISTEN_BACKLOG } from '../net/listen-backlog.js';
import { listenOn } from '../net/listen-on.js';
import { revealResetBehindData } from '../net/reset-behind-data.js';
import { bridge, DEFAULT_IDLE_TIMEOUT_MS, resetSocket } from './bridge.js';
import { sendEarly, type EarlyOutcome } from './early-bytes.js';
import { logError } from '../errors/error-log.js';
import { settleBy } from './settle-by.js';
import { Traffic } from './traffic.js';

/** Options of {@link startTunnelClient}. */
export interface TunnelClientOptions {
  /** Local address that accepts TCP connections; port 0 picks a free one. */
  readonly listen: HostPort;
  /** The tunnel server. */
  readonly server: HostPort;
  readonly settings: DialSettings;
  readonly manager: SessionManager;
  readonly log: Logger;
  /** A tunnel with no byte either way for this long is reset at both ends; 0 never. Default 300 s. */
  readonly idleTimeoutMs?: number;
  /** Called when a tunnel is open, with the time from accepting the socket to the 200. */
  readonly onOpened?: (tunnel: number, ms: number) => void;
}

/** A running local listener that turns TCP connections into tunnels. */
export interface TunnelClient {
  readonly address: AddressInfo;
  readonly traffic: Traffic;
  /** Tunnels open right now. */
  open(): number;
  /** Stops accepting at once, within the call; open tunnels get until `deadline` (epoch ms) to finish, then their sockets are cut. */
  close(deadline: number): Promise<void>;
}

/**
 * Listens on `listen`; each accepted TCP connection becomes one tunnel via {@link dial}, bridged with
 * backpressure and half-close. A tunnel that fails to open or breaks closes its local connection and
 * is logged with its tag, severity and code; the listener keeps serving.
 *
 * @example
 * ```ts
 * const client = await startTunnelClient({ listen, server, settings, manager, log });
 * ```
 */
export async function startTunnelClient(options: TunnelClientOptions): Promise<TunnelClient> {
  const { log, manager, settings } = options;
  const traffic = new Traffic('up');
  const bridges = new Set<Promise<unknown>>();
  const opening = new Set<Promise<unknown>>();
  const serverLabel = formatHostPort(options.server);
  // The same server and settings for every connection: read and checked once, not per tunnel.
  const open = plannedDial(options.server, settings, { manager });
  let next = 0;

  const onSocket = (socket: Socket) => {
    const tunnel = ++next;
    const started = performance.now();
    const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const socketAddress = `local ${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`;
    socket.setNoDelay(true);
    // From the first byte: in the 0-RTT phase the socket's 'end' already sends END_STREAM.
    revealResetBehindData(socket);
    socket.on('error', () => undefined);
    traffic.track(socket);
    let settle: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => (settle = resolve));
    opening.add(opened);
    void opened.then(() => opening.delete(opened));
    const subscription = open().subscribe({
      next: (connection) => {
        const ms = performance.now() - started;
        options.onOpened?.(tunnel, ms);
        log.debug({ tunnel, ms: Math.round(ms * 10) / 10 }, 'tunnel opened');
        // With 0-RTT the tunnel is handed over before the 200: its first bytes go up at once, kept for a
        // replay until the server has taken the tunnel.
        const carried: Promise<EarlyOutcome> = settings.zeroRtt
          ? sendEarly(socket, connection, socketAddress, open, idleTimeoutMs)
          : Promise.resolve({ _tag: 'Accepted', connection, replays: 0 });
        const done = carried.then(async (outcome) => {
          settle();
          if (outcome._tag === 'Abandoned') return log.debug({ tunnel }, 'tunnel cancelled: the local connection closed before the server answered');
          if (outcome._tag === 'Failed') {
            logError(log, outcome.error, 'tunnel failed to open', { tunnel, server: serverLabel });
            return resetSocket(socket);
          }
          if (outcome.replays > 0) log.debug({ tunnel, replays: outcome.replays }, 'tunnel sent again: the server had not processed it');
          const result = await bridge(socket, outcome.connection, { socketAddress, idleTimeoutMs });
          if (result.error !== undefined) logError(log, result.error, 'tunnel failed', { tunnel, bytesUp: result.toTunnel, bytesDown: result.fromTunnel });
          else log.debug({ tunnel, bytesUp: result.toTunnel, bytesDown: result.fromTunnel }, 'tunnel closed');
        });
        bridges.add(done);
        void done.finally(() => bridges.delete(done));
      },
      error: (error: unknown) => {
        settle();
        logError(log, error, 'tunnel failed to open', { tunnel, server: serverLabel });
        resetSocket(socket);
      },
    });
    // The local side gave up while the tunnel was still opening: cancel the dial, leave nothing behind.
    socket.once('close', () => {
      subscription.unsubscribe();
      settle();
    });
  };

  const local = createServer({ allowHalfOpen: true }, onSocket);
  const address = (await listenOn(
    local,
    { port: options.listen.port, host: options.listen.host, backlog: LISTEN_BACKLOG },
    formatHostPort(options.listen),
    // An accept that fails (out of descriptors) is logged; the listener and the open tunnels go on.
    (error) => logError(log, error, 'accept failed'),
  )) as AddressInfo;
  return {
    address,
    traffic,
    open: () => bridges.size,
    close: async (deadline) => {
      // Before the first await: the caller announces the drain once close() has returned.
      const stopped = new Promise<void>((resolve) => local.close(() => resolve()));
      // Connections already accepted get their tunnel: closing the manager now would fail their dial.
      await settleBy(opening, deadline);
      await manager.close(Math.max(0, deadline - Date.now()));
      // The sessions are gone; the last bytes may still be on their way to local sockets.
      await settleBy(bridges, deadline);
      traffic.destroyAll();
      await stopped;
    },
  };
}
