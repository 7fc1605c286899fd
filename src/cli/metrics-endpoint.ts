import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SessionManager } from '../client/session-manager.js';
import { formatHostPort, type HostPort } from '../config/address.js';
import { listenFailed } from '../errors.js';
import type { ServerTunnelMetrics } from '../metrics/server-metrics.js';
import type { TunnelServer } from '../server/listen.js';
import type { TrafficTotals } from './traffic.js';

/** What `/healthz` says: 503 until the tunnel listeners are up and again once the drain begins. */
export type Health = 'starting' | 'serving' | 'draining';

/** The `--metrics` listener: where each part registers its metrics, and the health it reports. */
export interface MetricsEndpoint {
  readonly address: AddressInfo;
  /** Registers a tunnel client's session manager; `bytes` reads its payload totals. */
  client(manager: SessionManager, bytes: () => TrafficTotals): void;
  /** Registers a tunnel server; the forwarder reports its connects and ends through what this returns. */
  server(server: TunnelServer, bytes: () => TrafficTotals): ServerTunnelMetrics;
  setHealth(health: Health): void;
  close(): Promise<void>;
}

/**
 * Binds the `--metrics` HTTP listener: `GET /metrics` serves the Prometheus text exposition of a registry
 * of its own (h2tunnel's metrics, and Node's process metrics unless `nodeMetrics` is false), `GET /healthz` 200 while the tunnels are
 * served and 503 otherwise. prom-client is loaded here, only when asked for. A port that cannot be bound
 * is a ListenFailed, before any tunnel listener starts.
 *
 * @example
 * ```ts
 * const endpoint = await startMetricsEndpoint({ host: '127.0.0.1', port: 9464 }, log);
 * ```
 */
export async function startMetricsEndpoint(address: HostPort, log: Logger, nodeMetrics = true): Promise<MetricsEndpoint> {
  const [{ Registry, collectDefaultMetrics }, { registerClientMetrics, registerServerMetrics }] = await Promise.all([
    import('prom-client'),
    import('../metrics/index.js'),
  ]);
  const registry = new Registry();
  // Node's process metrics cost CPU on every garbage collection (prom-client observes each one): about
  // 5–10 % more per tunnel opened in the bench, where h2tunnel's own counting costs ~2 %. On by default,
  // as operators expect them; --no-node-metrics leaves them out.
  if (nodeMetrics) {
    collectDefaultMetrics({ register: registry });
    // Gauges that prom-client names like counters: promtool's lint rejects them, and the same counts are
    // there without the suffix (nodejs_active_handles, …).
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  }
  let health: Health = 'starting';
  const stops: (() => void)[] = [];

  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'GET only\n');
    if (path === '/healthz') return send(response, health === 'serving' ? 200 : 503, 'text/plain', `${health}\n`);
    if (path !== '/metrics') return send(response, 404, 'text/plain', 'try /metrics or /healthz\n');
    registry.metrics().then(
      (text) => send(response, 200, registry.contentType, text),
      (error: unknown) => {
        log.error({ error: (error as Error).message }, 'metrics failed');
        send(response, 500, 'text/plain', 'metrics failed\n');
      },
    );
  };
  const http = createServer(answer);
  const label = formatHostPort(address);
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error) => reject(listenFailed(`--metrics ${label}`, error)));
    http.listen(address.port, address.host, () => resolve());
  });
  const bound = http.address() as AddressInfo;
  log.info({ address: formatHostPort({ host: bound.address, port: bound.port }) }, 'metrics listening');
  return {
    address: bound,
    client: (manager, bytes) => {
      stops.push(registerClientMetrics(manager, { registry, bytes: { up: () => bytes().bytesUp, down: () => bytes().bytesDown } }));
    },
    server: (server, bytes) => {
      const registered = registerServerMetrics(server, { registry, bytes: { up: () => bytes().bytesUp, down: () => bytes().bytesDown } });
      stops.push(() => registered.stop());
      return registered.tunnels;
    },
    setHealth: (next) => (health = next),
    close: async () => {
      stops.splice(0).forEach((stop) => stop());
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}
