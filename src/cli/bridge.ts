import type { Socket } from 'node:net';
import type { Connection } from '../connection.js';
import { connectFailed, type TransportError } from '../errors.js';
import { fromNodeError } from '../node-errors.js';

/** How one bridged tunnel ended. */
export interface BridgeResult {
  /** Bytes read from the TCP socket and sent into the tunnel. */
  readonly toTunnel: number;
  /** Bytes that came out of the tunnel and were written to the TCP socket. */
  readonly fromTunnel: number;
  /** Why the tunnel did not carry every byte; undefined when both directions finished. */
  readonly error: TransportError | undefined;
}

/** What {@link bridge} needs to know about the socket side. */
export interface BridgeOptions {
  /** `host:port` of the socket's far end, for the error when it cannot be reached. */
  readonly socketAddress: string;
  /** The socket is an outgoing connection (server side): a connect failure is the tunnel's error. */
  readonly outgoing?: boolean;
}

/**
 * Pipes a TCP socket and a tunnel into each other, with Node's backpressure both ways and half-close
 * carried across: the socket's end ends the tunnel's request body, the tunnel's end ends the socket.
 * A tunnel that fails resets the socket (RST); a socket that fails cancels the tunnel. The socket must
 * allow half-open (`allowHalfOpen: true`), or an early end from one side would cut the other short.
 *
 * @example
 * ```ts
 * local.on('connection', (socket) => dial(server, settings).subscribe((conn) => void bridge(socket, conn, { socketAddress: 'local' })));
 * ```
 */
export function bridge(socket: Socket, connection: Connection, options: BridgeOptions): Promise<BridgeResult> {
  const tunnel = connection.toDuplex();
  let socketError: TransportError | undefined;
  socket.on('error', (error) => {
    const connecting = options.outgoing === true && socket.bytesRead === 0 && socket.connecting;
    socketError ??= connecting ? connectFailed(options.socketAddress, error) : fromNodeError(error, options.socketAddress);
  });
  socket.pipe(tunnel);
  tunnel.pipe(socket);

  const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  // A socket that closes with its write side still open lost the rest of the tunnel's bytes: cancel
  // the tunnel so the peer stops sending, instead of leaving it open until an idle timeout.
  void socketClosed.then(() => {
    if (!tunnel.writableEnded || !tunnel.readableEnded) connection.close(socketError);
  });
  // A reset, not a FIN: the application must not mistake a broken tunnel for a clean end of data.
  void connection.done.then((result) => {
    if (result._tag === 'Left') resetSocket(socket);
  });
  return Promise.all([connection.done, socketClosed]).then(([result]) => ({
    toTunnel: socket.bytesRead,
    fromTunnel: socket.bytesWritten,
    error: socketError ?? (result._tag === 'Left' ? result.left : undefined),
  }));
}

/** Closes `socket` with a TCP RST, so the far end sees a failure rather than an orderly end of data. */
export function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}
