import { meetsBound, type Bound } from './bound.js';
import { formatFigure, formatRatio } from './format.js';
import type { Figures } from './table.js';

/** One row judged against a yardstick chain: bare Node http2 (the platform) or v2ray. */
interface PlatformMetric {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly yardstick: 'bare-http2' | 'v2ray';
  /** The target on h2tunnel / yardstick; none for a figure that is only reported. */
  readonly target?: Bound;
}

/** Issue 26's loopback targets: h2tunnel against Node's own HTTP/2 in the same two-process shape. */
const PLATFORM_METRICS: readonly PlatformMetric[] = [
  { key: 'cpuPerOpen', label: 'CPU per tunnel opened, client + server', unit: 'µs', yardstick: 'bare-http2', target: { op: '<=', ratio: 1.1 } },
  { key: 'openP50', label: 'open on warm session p50', unit: 'ms', yardstick: 'bare-http2', target: { op: '<=', ratio: 1.2 } },
  { key: 'openP99', label: 'open on warm session p99', unit: 'ms', yardstick: 'bare-http2' },
  { key: 'throughput1', label: 'throughput, 1 tunnel', unit: 'MB/s', yardstick: 'bare-http2', target: { op: '>=', ratio: 0.9 } },
  { key: 'cpuPerMb', label: 'CPU per MB echoed, client + server, 1 tunnel', unit: 'ms', yardstick: 'bare-http2' },
  { key: 'rate50', label: 'tunnels/s, 50 at once', unit: '/s', yardstick: 'bare-http2' },
  { key: 'memTotal', label: 'memory/tunnel, both', unit: 'KB', yardstick: 'v2ray', target: { op: '<=', ratio: 0.5 } },
];

const YARDSTICK_LABEL = { 'bare-http2': 'bare http2', v2ray: 'v2ray' } as const;

/**
 * The library and the CLI against the platform: each figure beside bare Node http2's (and v2ray's), the
 * ratio to the row's yardstick and the verdict on issue 26's target, for both.
 *
 * @example
 * ```ts
 * console.log(renderPlatformTable({ h2tunnel: { openP50: 1.1 }, 'bare-http2': { openP50: 1.0 } }));
 * ```
 */
export function renderPlatformTable(figures: Figures): string {
  const rows = [
    ['metric', 'h2tunnel', 'h2tunnel CLI', 'bare http2', 'v2ray 4.34', 'against', 'h2tunnel ratio', 'CLI ratio', 'target'],
    ['---', '---:', '---:', '---:', '---:', '---', '---:', '---:', '---'],
  ];
  for (const spec of PLATFORM_METRICS) {
    const figure = (chain: string) => figures[chain]?.[spec.key];
    const yardstick = figure(spec.yardstick);
    const verdict = (chain: string) => {
      const met = spec.target === undefined ? undefined : meetsBound(spec.target, (figure(chain) ?? NaN) / (yardstick ?? NaN));
      return met === undefined ? '–' : met ? 'met' : 'MISSED';
    };
    rows.push([
      `${spec.label} (${spec.unit})`,
      formatFigure(figure('h2tunnel')),
      formatFigure(figure('h2tunnel-cli')),
      formatFigure(figure('bare-http2')),
      formatFigure(figure('v2ray')),
      YARDSTICK_LABEL[spec.yardstick],
      formatRatio(figure('h2tunnel'), yardstick),
      formatRatio(figure('h2tunnel-cli'), yardstick),
      spec.target === undefined ? '' : `${spec.target.op} ${spec.target.ratio}x: ${verdict('h2tunnel')}, CLI ${verdict('h2tunnel-cli')}`,
    ]);
  }
  return rows.map((row) => `| ${row.join(' | ')} |`).join('\n');
}
