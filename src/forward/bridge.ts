import type { Socket } from 'node:net';
import type { Connection } from '../connection/connection.js';
import { connectFailed, socketFailed, timeout, type TransportError } from '../errors/transport-error.js';
import { revealResetBehindData } from '../net/reset-behind-data.js';

/** How one bridged tunnel ended. */
export interface BridgeResult {
  /** Bytes read from the TCP socket and sent into the tunnel. */
  readonly toTunnel: number;
  /** Bytes that came out of the tunnel and were written to the TCP socket. */
  readonly fromTunnel: number;
  /** Why the tunnel did not carry every byte; undefined when both directions finished. */
  readonly error: TransportError | undefined;
}

/** A tunnel with no byte either way for this long is reset at both ends, as v2ray's default `connIdle`. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/** What {@link bridge} needs to know about the socket side. */
export interface BridgeOptions {
  /** `host:port` of the socket's far end, for the error when it cannot be reached. */
  readonly socketAddress: string;
  /** The socket is an outgoing connection (server side): a connect failure is the tunnel's error. */
  readonly outgoing?: boolean;
  /** Reset both sides after this many ms with no byte either way (v2ray's `connIdle`); 0 never. */
  readonly idleTimeoutMs?: number;
}

/**
 * Pipes a TCP socket and a tunnel into each other, with Node's backpressure both ways and half-close
 * carried across: the socket's end ends the tunnel's request body, the tunnel's end ends the socket.
 * A tunnel that fails resets the socket (RST); a socket that fails cancels the tunnel; a tunnel idle for
 * `idleTimeoutMs` is failed both ways, so abandoned ones do not pile up. A socket reset right behind its
 * data is a failure too, not an end ({@link revealResetBehindData}). The socket must allow half-open
 * (`allowHalfOpen: true`), or an early end from one side would cut the other short.
 *
 * @example
 * ```ts
 * local.on('connection', (socket) => dial(server, settings).subscribe((conn) => void bridge(socket, conn, { socketAddress: 'local' })));
 * ```
 */
export function bridge(socket: Socket, connection: Connection, options: BridgeOptions): Promise<BridgeResult> {
  const tunnel = connection.toDuplex();
  // Before any read: pipe() below ends the tunnel on the socket's 'end', which must never be a disguised reset.
  revealResetBehindData(socket);
  // The side that failed first is the one to blame: once one side failed and the other was cut, the
  // other's own errors (a write to a reset socket) are consequences, not causes.
  let failure: TransportError | undefined;
  let connected = options.outgoing !== true || !socket.connecting;
  // Only while connecting: an accepted socket would keep a listener that never fires for the tunnel's life.
  if (!connected) socket.once('connect', () => (connected = true));
  socket.on('error', (error) => {
    failure ??= connected ? socketFailed(options.socketAddress, error) : connectFailed(options.socketAddress, error);
  });
  // Every byte either way passes through the socket, so its own inactivity timer sees both directions.
  const idleMs = options.idleTimeoutMs ?? 0;
  if (idleMs > 0) socket.setTimeout(idleMs, () => connection.close((failure ??= timeout('tunnel idle', idleMs))));
  // The tunnel's readable side ends only on the peer's END_STREAM (a cut-off tunnel errors instead), so
  // pipe's end-on-end carries exactly the clean half-closes across.
  socket.pipe(tunnel);
  tunnel.pipe(socket);

  const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  // A socket that closes with its write side still open lost the rest of the tunnel's bytes: cancel
  // the tunnel so the peer stops sending, instead of leaving it open until an idle timeout.
  void socketClosed.then(() => {
    if (!tunnel.writableEnded || !tunnel.readableEnded) connection.close(failure);
  });
  // A reset, not a FIN: the application must not mistake a broken tunnel for a clean end of data.
  void connection.done.then((result) => {
    if (result._tag === 'Left') {
      failure ??= result.left;
      resetSocket(socket);
    }
  });
  return Promise.all([connection.done, socketClosed]).then(([result]) => ({
    toTunnel: socket.bytesRead,
    fromTunnel: socket.bytesWritten,
    error: failure ?? (result._tag === 'Left' ? result.left : undefined),
  }));
}

/** Closes `socket` with a TCP RST, so the far end sees a failure rather than an orderly end of data. */
export function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}
