import type { LinkFigures } from '../link/section.js';
import { formatFigure, formatRatio } from './format.js';

/** One row of the link table: a metric, its unit, which way is better, and the target against v2ray. */
interface LinkMetric {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  /** The target ratio of the CLI to v2ray at 40 ms, as `<=` or `>=`. */
  readonly target?: { readonly op: '<=' | '>='; readonly ratio: number };
}

const LINK_METRICS: readonly LinkMetric[] = [
  { key: 'warmP50', label: 'warm first byte p50', unit: 'ms', target: { op: '<=', ratio: 0.6 } },
  { key: 'warmP99', label: 'warm first byte p99', unit: 'ms' },
  { key: 'coldP50', label: 'cold first byte (fresh client) p50', unit: 'ms', target: { op: '<=', ratio: 0.8 } },
  { key: 'bulk1', label: 'one tunnel', unit: 'MB/s', target: { op: '>=', ratio: 3 } },
  { key: 'bulk8', label: '8 tunnels', unit: 'MB/s' },
  { key: 'loadedP50', label: 'first byte under load p50', unit: 'ms', target: { op: '<=', ratio: 0.8 } },
  { key: 'loadedBulk', label: 'the bulk tunnel meanwhile', unit: 'MB/s' },
];

/**
 * The link section as one Markdown table per RTT: the CLI, the library, v2ray, the CLI's ratio to v2ray
 * against the target, then stunnel (TLS alone) and raw TCP through the same link as yardsticks.
 *
 * @example
 * ```ts
 * console.log(renderLinkTable({ '40': { v2ray: { warmP50: 83 }, 'h2tunnel-cli': { warmP50: 42 } } }));
 * ```
 */
export function renderLinkTable(figures: LinkFigures): string {
  const tables: string[] = [];
  for (const [rtt, byChain] of Object.entries(figures)) {
    const cli = byChain['h2tunnel-cli'] ?? {};
    const v2ray = byChain['v2ray'] ?? {};
    const rows = [
      [`${rtt} ms RTT`, 'h2tunnel CLI', 'library', 'v2ray 4.34', 'CLI / v2ray', 'target', 'stunnel', 'CLI / stunnel', 'raw TCP'],
      ['---', '---:', '---:', '---:', '---:', '---', '---:', '---:', '---:'],
    ];
    for (const metric of LINK_METRICS) {
      const ratio = (cli[metric.key] ?? NaN) / (v2ray[metric.key] ?? NaN);
      const met =
        metric.target === undefined || !Number.isFinite(ratio)
          ? undefined
          : metric.target.op === '<='
            ? ratio <= metric.target.ratio
            : ratio >= metric.target.ratio;
      rows.push([
        `${metric.label} (${metric.unit})`,
        formatFigure(cli[metric.key]),
        formatFigure(byChain['h2tunnel']?.[metric.key]),
        formatFigure(v2ray[metric.key]),
        formatRatio(cli[metric.key], v2ray[metric.key]),
        metric.target === undefined ? '' : `${metric.target.op} ${metric.target.ratio}x ${met === undefined ? '' : met ? 'met' : 'MISSED'}`,
        formatFigure(byChain['stunnel']?.[metric.key]),
        formatRatio(cli[metric.key], byChain['stunnel']?.[metric.key]),
        formatFigure(byChain['raw-tcp']?.[metric.key]),
      ]);
    }
    tables.push(rows.map((row) => `| ${row.join(' | ')} |`).join('\n'));
  }
  return `${tables.join('\n\n')}\n`;
}
