import type { SessionManager } from '../../client/pool/session-manager.js';
import type { ServerTunnelMetrics } from '../../metrics/server-metrics.js';
import type { TunnelServer } from '../../server/listen.js';
import type { TrafficTotals } from '../../forward/traffic.js';

/** Metrics text as an HTTP body. */
export interface MetricsText {
  readonly contentType: string;
  readonly text: string;
}

/** Where the parts of one process register their metrics, and how the result is read. */
export interface MetricsRecorder {
  /** Registers a tunnel client's session manager; `bytes` reads its payload totals. */
  client(manager: SessionManager, bytes: () => TrafficTotals): void;
  /** Registers a tunnel server; the forwarder reports its connects and ends through what this returns. */
  server(server: TunnelServer, bytes: () => TrafficTotals): ServerTunnelMetrics;
  /** This process's metrics, as `/metrics` serves them (a function, to be handed to the endpoint). */
  readonly render: () => Promise<MetricsText>;
  /** Makes this process answer a cluster primary's requests for its metrics (`--workers`). */
  answerPrimary(): void;
  stop(): void;
}

/**
 * A prom-client registry of its own with h2tunnel's metrics and, unless `nodeMetrics` is false, Node's
 * process metrics. prom-client is loaded here, only when `--metrics` asks for it.
 *
 * @example
 * ```ts
 * const recorder = await metricsRecorder(true);
 * recorder.client(manager, () => traffic.totals());
 * ```
 */
export async function metricsRecorder(nodeMetrics: boolean): Promise<MetricsRecorder> {
  const [{ AggregatorRegistry, Registry, collectDefaultMetrics }, { registerClientMetrics, registerServerMetrics }] = await Promise.all([
    import('prom-client'),
    import('../../metrics/index.js'),
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
  const stops: (() => void)[] = [];
  const bytesOf = (bytes: () => TrafficTotals) => ({ up: () => bytes().bytesUp, down: () => bytes().bytesDown });
  return {
    client: (manager, bytes) => {
      stops.push(registerClientMetrics(manager, { registry, bytes: bytesOf(bytes) }));
    },
    server: (server, bytes) => {
      const registered = registerServerMetrics(server, { registry, bytes: bytesOf(bytes) });
      stops.push(() => registered.stop());
      return registered.tunnels;
    },
    render: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
    answerPrimary: () => {
      // Constructing one is what makes prom-client answer the primary's requests in a worker.
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([registry]);
    },
    stop: () => stops.splice(0).forEach((stop) => stop()),
  };
}

/**
 * A cluster primary's view of its workers' metrics: each scrape asks every worker for its registry and
 * sums them (prom-client's AggregatorRegistry), so `/metrics` reports the whole server.
 *
 * @example
 * ```ts
 * const endpoint = await startMetricsEndpoint(address, log, (await workersMetrics()).render);
 * ```
 */
export async function workersMetrics(): Promise<Pick<MetricsRecorder, 'render'>> {
  const { AggregatorRegistry } = await import('prom-client');
  const aggregator = new AggregatorRegistry();
  return { render: async () => ({ contentType: aggregator.contentType, text: await aggregator.clusterMetrics() }) };
}
