import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

/** A TCP relay between a tunnel client and its server, where the test cuts the link. */
export interface ResetRelay {
  readonly port: number;
  /** Resets (RST) both sides of every relayed connection, as a middlebox dropping the flow would. */
  reset(): void;
  /** Stops relaying either way and keeps the connections open: a peer that vanished without a FIN. */
  silence(): void;
  close(): Promise<void>;
}

/**
 * Relays every connection on a free port of 127.0.0.1 to `targetPort`, with backpressure both ways.
 *
 * @example
 * ```ts
 * const relay = await startResetRelay(server.port);
 * const client = await fx.tlsClient(relay.port);
 * relay.reset();
 * ```
 */
export function startResetRelay(targetPort: number): Promise<ResetRelay> {
  const pairs = new Set<readonly [Socket, Socket]>();
  const server = createServer({ allowHalfOpen: true }, (inbound) => {
    const outbound = connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true });
    const pair = [inbound, outbound] as const;
    pairs.add(pair);
    // A side that fails is passed on as a reset; a clean end travels as a FIN through pipe().
    for (const [socket, other] of [pair, [outbound, inbound] as const]) {
      socket.on('error', () => other.destroyed || other.resetAndDestroy());
      socket.on('close', () => pairs.delete(pair));
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        silence: () => {
          for (const pair of pairs)
            for (const socket of pair) {
              socket.unpipe();
              socket.pause();
            }
        },
        reset: () => {
          for (const pair of pairs) for (const socket of pair) if (!socket.destroyed) socket.resetAndDestroy();
          pairs.clear();
        },
        close: () =>
          new Promise<void>((done) => {
            for (const pair of pairs) for (const socket of pair) socket.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
