import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP relay in front of a server that counts the connections it accepted. */
export interface CountingRelay {
  readonly port: number;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

/**
 * Relays every TCP connection on 127.0.0.1:port to 127.0.0.1:`target`, byte for byte, counting them:
 * what a server behind it accepted, for servers that do not say (an HTTP/1.1 one).
 *
 * @example
 * ```ts
 * const relay = await countingRelay(serverPort);
 * dial(`127.0.0.1:${relay.port}`, settings);
 * relay.accepted(); // 1
 * ```
 */
export async function countingRelay(target: number): Promise<CountingRelay> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect({ host: '127.0.0.1', port: target, noDelay: true });
    client.setNoDelay(true);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
