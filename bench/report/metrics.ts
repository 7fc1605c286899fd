import { meetsBound, type Bound } from './bound.js';

/** One row of the comparison: how to read it and what the issue asks of it. */
export interface MetricSpec {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  /** Whether a bigger figure is better (throughput) or a smaller one (time, memory). */
  readonly higherIsBetter: boolean;
  /** The target on the ratio h2tunnel / v2ray, when there is one. */
  readonly target?: Bound;
}

/** The rows of the table, in order, with issue 14's loopback targets (they replaced issue 7's). */
export const METRICS: readonly MetricSpec[] = [
  { key: 'throughput1', label: 'throughput, 1 tunnel', unit: 'MB/s', higherIsBetter: true, target: { op: '>=', ratio: 1.5 } },
  { key: 'throughput8', label: 'throughput, 8 tunnels', unit: 'MB/s', higherIsBetter: true },
  { key: 'openP50', label: 'open on warm session p50', unit: 'ms', higherIsBetter: false, target: { op: '<=', ratio: 1 } },
  { key: 'openP99', label: 'open on warm session p99', unit: 'ms', higherIsBetter: false, target: { op: '<=', ratio: 1 } },
  { key: 'rate50', label: 'tunnels/s, 50 at once', unit: '/s', higherIsBetter: true, target: { op: '>=', ratio: 1 } },
  { key: 'rate500', label: 'tunnels/s, 500 at once', unit: '/s', higherIsBetter: true },
  { key: 'cpuPerOpen', label: 'CPU per tunnel opened, client + server', unit: 'µs', higherIsBetter: false, target: { op: '<=', ratio: 0.6 } },
  { key: 'cpuPerMb', label: 'CPU per MB echoed, client + server, 1 tunnel', unit: 'ms', higherIsBetter: false, target: { op: '<=', ratio: 0.5 } },
  { key: 'memClient', label: 'memory/tunnel, client', unit: 'KB', higherIsBetter: false },
  { key: 'memServer', label: 'memory/tunnel, server', unit: 'KB', higherIsBetter: false },
  { key: 'memTotal', label: 'memory/tunnel, both', unit: 'KB', higherIsBetter: false, target: { op: '<=', ratio: 0.5 } },
  { key: 'tcpConnections', label: 'TCP connections (held)', unit: '', higherIsBetter: false },
];

/** Whether `ratio` meets the metric's target (true when it has none). */
export function meetsTarget(spec: MetricSpec, ratio: number): boolean | undefined {
  return spec.target === undefined ? undefined : meetsBound(spec.target, ratio);
}
