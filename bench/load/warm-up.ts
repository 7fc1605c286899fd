import { closeAll, openEchoed } from './connect.js';
import { throughput } from './throughput.js';

/**
 * Brings a chain to its steady state before anything is timed: `tunnels` tunnels opened 50 at a
 * time (each proven by an echo) and closed, then `bytes` echoed through one tunnel. Node compiles
 * hot code while it runs: its first thousand tunnels cost about twice the CPU of later ones, and a
 * tunnel daemon lives far past that. Every chain gets the same warm-up, v2ray's precompiled Go too.
 *
 * @example
 * ```ts
 * await warmUp(chain.entryPort, 1_000, 50e6);
 * ```
 */
export async function warmUp(port: number, tunnels: number, bytes: number): Promise<void> {
  await closeAll(await openEchoed(port, tunnels, 50));
  await throughput(port, 1, bytes);
}
