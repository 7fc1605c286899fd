import { createServer, type Socket } from 'node:net';
import { LISTEN_BACKLOG } from '../../src/net/listen-backlog.js';

/** A TCP echo server on 127.0.0.1, the far end tunnels are forwarded to. */
export interface EchoTarget {
  readonly port: number;
  /** TCP connections accepted so far. */
  accepted(): number;
  /** Stops listening and destroys every open socket. */
  close(): Promise<void>;
}

/**
 * Starts a TCP server on a free port of 127.0.0.1 that writes back every byte it reads and half-closes
 * when the peer does, so a tunnel's round trip can be checked end to end.
 *
 * @example
 * ```ts
 * const echo = await startEchoTarget();
 * after(() => echo.close());
 * ```
 */
export function startEchoTarget(): Promise<EchoTarget> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // pipe() ends the write side when the read side ends: the half-close travels back through the tunnel.
    socket.pipe(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // With Node's default backlog a thousand tunnels connecting at once lose SYNs, and the kernel's resend
    // after 1 s comes when v2ray's default downlink-only timeout (1 s after the client's last byte) has
    // already ended the tunnel, cleanly and empty: the 1,000-tunnel v2ray spec failed so.
    server.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('echo target has no TCP address'));
      resolve({
        port: address.port,
        accepted: () => accepted,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
