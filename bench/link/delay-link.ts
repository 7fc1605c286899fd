import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { LISTEN_BACKLOG } from '../../src/net/listen-backlog.js';
import { Bottleneck } from './bottleneck.js';
import { LinkDirection } from './link-direction.js';

/** The emulated link: what netem would do, in userspace. */
export interface LinkOptions {
  /** One-way delay in ms; the round trip is twice this. */
  readonly delayMs: number;
  /** Bottleneck rate per direction in MB/s (10^6 bytes); undefined for none. */
  readonly rateMBps?: number;
}

/** A running link in front of one TCP port. */
export interface DelayLink {
  readonly port: number;
  /** How long a byte entering the bottleneck now would wait there, each way, in ms. */
  queuedMs(): { readonly up: number; readonly down: number };
  close(): Promise<void>;
}

// A router buffer of one bandwidth-delay product, but never so small that one frame does not fit.
const MIN_BUFFER = 64 * 1024;

/**
 * Listens on a free port of 127.0.0.1 and relays each connection to `targetPort` through a link with
 * `delayMs` each way and, optionally, a `rateMBps` bottleneck per direction, shared by every connection as
 * a real link is, whose buffer holds about rate × RTT.
 * The TCP handshake pays its round trip too: the client's first bytes leave only once its SYN-ACK would
 * have arrived, one RTT after the connect. The target is connected at once, which only a protocol whose
 * server speaks first could tell (TLS and every chain here start with the client). TCP's own congestion
 * control is not emulated.
 *
 * @example
 * ```ts
 * const link = await startDelayLink(serverPort, { delayMs: 20, rateMBps: 50 });
 * // clients dial 127.0.0.1:link.port: 40 ms RTT, 50 MB/s each way
 * ```
 */
export function startDelayLink(targetPort: number, options: LinkOptions): Promise<DelayLink> {
  const delay = options.delayMs;
  const bytesPerSecond = options.rateMBps === undefined ? undefined : options.rateMBps * 1e6;
  const bufferBytes = Math.max(MIN_BUFFER, ((bytesPerSecond ?? 0) * 2 * delay) / 1000);
  const sockets = new Set<Socket>();
  const upHop = new Bottleneck(bytesPerSecond, bufferBytes);
  const downHop = new Bottleneck(bytesPerSecond, bufferBytes);

  const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const acceptedAt = performance.now();
    const target = connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true, noDelay: true });
    for (const socket of [client, target]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    const up = new LinkDirection(client, target, { delayMs: delay, bottleneck: upHop, notBefore: acceptedAt + 2 * delay });
    const down = new LinkDirection(target, client, { delayMs: delay, bottleneck: downHop, notBefore: 0 });
    // A reset crosses the link like any packet: the far side learns of it one delay later.
    for (const [socket, other, outward] of [
      [client, target, up],
      [target, client, down],
    ] as const) {
      socket.on('error', () => {
        up.stop();
        down.stop();
        setTimeout(() => other.destroyed || other.resetAndDestroy(), delay);
      });
      // Closed, with or without a FIN: the far side is closed too, behind the last of its bytes.
      socket.on('close', () => outward.cut());
    }
  });
  server.maxConnections = 100_000;
  return new Promise((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        queuedMs: () => ({ up: upHop.backlogMs(performance.now()), down: downHop.backlogMs(performance.now()) }),
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}
