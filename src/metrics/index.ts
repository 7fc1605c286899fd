/**
 * h2tunnel's Prometheus metrics (`h2tunnel/metrics`), built on prom-client: register them for your own
 * `SessionManager` or `listen()` server on your registry. The main `h2tunnel` entry never loads
 * prom-client; only this one does.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { registerClientMetrics } from 'h2tunnel/metrics';
 * const registry = new Registry();
 * registerClientMetrics(manager, { registry });
 * console.log(await registry.metrics());
 * ```
 *
 * @packageDocumentation
 */
/// <reference types="node" preserve="true" />
export { registerClientMetrics, type RegisterMetricsOptions } from './client-metrics.js';
export { registerServerMetrics, type ServerTunnelMetrics } from './server-metrics.js';
export { evictionReason, type EvictionReason } from './eviction-reason.js';
export type { Reading, Role } from './tunnel-metrics.js';
