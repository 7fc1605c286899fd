import type { Chain } from '../chains/chain.js';
import { closeAll, openEchoed } from './connect.js';
import { establishedTo, rss } from './footprint.js';

/** What holding many tunnels open costs. */
export interface HoldResult {
  readonly tunnels: number;
  /** RSS growth per tunnel, bytes; NaN for a side the chain does not have. */
  readonly clientBytesPerTunnel: number;
  readonly serverBytesPerTunnel: number;
  readonly clientRss: number;
  readonly serverRss: number;
  /** TCP connections between the chain's client and server while they are held. */
  readonly tcpConnections: number;
}

/**
 * Opens `tunnels` tunnels (each proven by a one-byte echo), waits for the processes to settle, and
 * reads their RSS growth and the number of TCP connections to the tunnel server; then closes them.
 *
 * @example
 * ```ts
 * const { clientBytesPerTunnel } = await hold(chain, 2_000, { settleMs: 1_000 });
 * ```
 */
export async function hold(chain: Chain, tunnels: number, options: { readonly settleMs?: number; readonly onHeld?: () => void } = {}): Promise<HoldResult> {
  const settleMs = options.settleMs ?? 1_500;
  const clientBefore = rss(chain.client?.pid);
  const serverBefore = rss(chain.server?.pid);
  const sockets = await openEchoed(chain.entryPort, tunnels, 100);
  try {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const clientRss = rss(chain.client?.pid);
    const serverRss = rss(chain.server?.pid);
    options.onHeld?.();
    return {
      tunnels,
      clientRss,
      serverRss,
      clientBytesPerTunnel: (clientRss - clientBefore) / tunnels,
      serverBytesPerTunnel: (serverRss - serverBefore) / tunnels,
      tcpConnections: establishedTo(chain.serverPort),
    };
  } finally {
    await closeAll(sockets, 1_000);
  }
}
