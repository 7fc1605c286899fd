import { closeAll, openEchoed } from './connect.js';
import { throughput } from './throughput.js';

/** Tunnels opened together in one warm-up round: the shape of the open-rate measurement. */
const ROUND = 50;

/**
 * Brings a chain to its steady state before anything is timed: `bytes` echoed through one tunnel,
 * then `tunnels` tunnels opened `ROUND` at a time (each proven by an echo) and closed after each
 * round, as tunnels come and go in a running daemon. Node compiles hot code while it runs, and
 * which code is hot depends on the pattern: after 5,000 tunnels held open and then closed at once,
 * the first 1,000 tunnels opened and closed in rounds still cost twice the CPU of later ones.
 * Every chain gets the same warm-up, v2ray's precompiled Go too.
 *
 * @example
 * ```ts
 * await warmUp(chain.entryPort, 3_000, 50e6);
 * ```
 */
export async function warmUp(port: number, tunnels: number, bytes: number): Promise<void> {
  await throughput(port, 1, bytes);
  for (let opened = 0; opened < tunnels; opened += ROUND) {
    await closeAll(await openEchoed(port, Math.min(ROUND, tunnels - opened), ROUND), 20);
  }
}
