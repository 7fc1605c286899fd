import { register as defaultRegistry } from 'prom-client';
import type { ConnectionResult } from '../connection/connection.js';
import type { TunnelServer } from '../server/listen.js';
import type { RegisterMetricsOptions } from './client-metrics.js';
import { TunnelMetrics } from './tunnel-metrics.js';

/**
 * What the code handling a server's tunnels reports (the CLI's forwarder does): each forward connect,
 * with its time or its error code, and how each tunnel ended. The server cannot see these itself, and
 * subscribing to its connections to count them would make it accept tunnels nobody handles.
 */
export interface ServerTunnelMetrics {
  connected(seconds: number): void;
  failed(code: string): void;
  ended(result: ConnectionResult): void;
}

/**
 * Registers the h2tunnel metrics of a {@link TunnelServer} (role `server`): tunnels open, rejections by
 * status and reason, sessions open and opened, TLS resumptions and health-check PINGs. Whoever handles
 * the tunnels reports their connects and ends through the returned `tunnels`; `stop` stops counting.
 *
 * @example
 * ```ts
 * import { registerServerMetrics } from 'h2tunnel/metrics';
 * const { tunnels } = registerServerMetrics(server, { registry });
 * server.connections.subscribe((connection) => void connection.done.then(tunnels.ended));
 * ```
 */
export function registerServerMetrics(
  server: TunnelServer,
  options: RegisterMetricsOptions = {},
): { readonly tunnels: ServerTunnelMetrics; readonly stop: () => void } {
  const metrics = TunnelMetrics.of(options.registry ?? defaultRegistry);
  const role = 'server';
  const unwatch = metrics.watchStats(role, () => server.stats(), options.bytes);
  const events = server.events.subscribe((event) => {
    if (event.type === 'rejected') metrics.rejections.inc({ status: String(event.status), reason: event.reason });
    else if (event.type === 'session-opened') {
      metrics.sessionsOpened.inc({ role });
      if (event.tlsResumed !== undefined) metrics.tlsHandshakes.inc({ role, resumed: String(event.tlsResumed) });
    }
  });
  return {
    tunnels: {
      connected: (seconds) => {
        metrics.tunnelOpens.inc({ role, result: 'ok' });
        metrics.openSeconds.observe({ role }, seconds);
      },
      failed: (code) => metrics.tunnelOpens.inc({ role, result: code }),
      ended: (result) => metrics.ended(role, result),
    },
    stop: () => {
      events.unsubscribe();
      unwatch();
    },
  };
}
