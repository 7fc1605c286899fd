import { register as defaultRegistry, type Registry } from 'prom-client';
import type { SessionManager } from '../client/pool/session-manager.js';
import { evictionReason } from './eviction-reason.js';
import { TunnelMetrics, type Reading } from './tunnel-metrics.js';

/** Options of {@link registerClientMetrics} and {@link registerServerMetrics}. */
export interface RegisterMetricsOptions {
  /** Where the metrics go. Default: prom-client's global registry. */
  readonly registry?: Registry;
  /** Payload bytes, client to server and back, when the caller counts them (the CLI does). */
  readonly bytes?: { readonly up: Reading; readonly down: Reading };
}

/**
 * Registers the h2tunnel metrics of a {@link SessionManager} (role `client`): tunnels opened and ended
 * by result, the time to open, sessions open, opened and evicted by reason, TLS resumptions and
 * health-check PINGs. Counts come from the manager's events and from `stats()` at scrape time, so
 * tunnels pay nothing for them. Returns the function that stops counting.
 *
 * @example
 * ```ts
 * import { registerClientMetrics } from 'h2tunnel/metrics';
 * const stop = registerClientMetrics(manager, { registry });
 * ```
 */
export function registerClientMetrics(manager: SessionManager, options: RegisterMetricsOptions = {}): () => void {
  const metrics = TunnelMetrics.of(options.registry ?? defaultRegistry);
  const role = 'client';
  const unwatch = metrics.watchStats(role, () => manager.stats(), options.bytes);
  const sessions = manager.events.subscribe((event) => {
    if (event.type === 'opened') {
      metrics.sessionsOpened.inc({ role });
      metrics.tlsHandshakes.inc({ role, resumed: String(event.resumed) });
    } else if (event.type === 'evicted') metrics.sessionsEvicted.inc({ role, reason: evictionReason(event.reason) });
  });
  const tunnels = manager.tunnels.subscribe((event) => {
    if (event.type === 'opened') {
      metrics.tunnelOpens.inc({ role, result: 'ok' });
      metrics.openSeconds.observe({ role }, event.seconds);
    } else if (event.type === 'open-failed') metrics.tunnelOpens.inc({ role, result: event.error.code });
    else metrics.ended(role, event.result);
  });
  return () => {
    sessions.unsubscribe();
    tunnels.unsubscribe();
    unwatch();
  };
}
