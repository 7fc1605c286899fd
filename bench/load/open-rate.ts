import { closeAll, connect, readBytes } from './connect.js';

/**
 * Tunnels per second when `count` open at once (each connects, writes a byte and gets it back),
 * on a warm chain; the median of `rounds` rounds.
 *
 * @example
 * ```ts
 * const perSecond = await openRate(chain.entryPort, 50, 3);
 * ```
 */
export async function openRate(port: number, count: number, rounds: number): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    const sockets = await Promise.all(
      Array.from({ length: count }, async () => {
        const socket = await connect(port);
        socket.write('x');
        await readBytes(socket, 1);
        return socket;
      }),
    );
    rates.push(count / (Number(process.hrtime.bigint() - started) / 1e9));
    await closeAll(sockets);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? NaN;
}
