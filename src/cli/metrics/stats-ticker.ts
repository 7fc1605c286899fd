import type { Logger } from 'pino';
import type { TrafficTotals } from '../../forward/traffic.js';

/**
 * Logs one `stats` line every `intervalS` seconds (0 turns it off): open tunnels, sessions and bytes
 * up/down so far. Returns the function that stops it.
 *
 * @example
 * ```ts
 * const stop = startStatsTicker(log, 30, () => manager.stats(), traffic);
 * ```
 */
export function startStatsTicker(
  log: Logger,
  intervalS: number,
  counts: () => { readonly sessions: number; readonly tunnels: number },
  traffic: { totals(): TrafficTotals },
): () => void {
  if (intervalS <= 0) return () => undefined;
  const timer = setInterval(() => {
    const { sessions, tunnels } = counts();
    log.info({ tunnels, sessions, ...traffic.totals() }, 'stats');
  }, intervalS * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
