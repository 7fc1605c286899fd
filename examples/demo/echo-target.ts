import { createServer, type AddressInfo, type Socket } from 'node:net';

/** A loopback TCP echo server, the far end the demo's tunnels are forwarded to. */
export interface EchoServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts a TCP echo server on 127.0.0.1 (a free port) that half-closes when its peer does, so the end
 * of each transfer travels back through the tunnel.
 *
 * @example
 * ```ts
 * const echo = await startEcho();
 * await echo.close();
 * ```
 */
export function startEcho(): Promise<EchoServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            sockets.forEach((socket) => socket.destroy());
            server.close(() => done());
          }),
      }),
    );
  });
}
