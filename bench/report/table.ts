import { formatFigure, formatRatio } from './format.js';
import { meetsTarget, METRICS } from './metrics.js';

/** Figures per chain, keyed by metric key. */
export type Figures = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * The comparison as a Markdown table: h2tunnel, v2ray, their ratio and the target, then the bare
 * http2 and raw TCP yardsticks (`renderPlatformTable` judges h2tunnel against bare http2).
 *
 * @example
 * ```ts
 * console.log(renderTable({ h2tunnel: { throughput1: 150 }, v2ray: { throughput1: 90 } }));
 * ```
 */
export function renderTable(figures: Figures): string {
  const ours = figures['h2tunnel'] ?? {};
  const theirs = figures['v2ray'] ?? {};
  const rows = [
    ['metric', 'h2tunnel', 'v2ray 4.34', 'ratio', 'target', 'h2tunnel CLI', 'CLI ratio', 'bare http2', 'raw TCP'],
    ['---', '---:', '---:', '---:', '---', '---:', '---:', '---:', '---:'],
  ];
  for (const spec of METRICS) {
    // The targets hold for both the library and the CLI.
    const verdict = (figure: number | undefined) => {
      const met = meetsTarget(spec, (figure ?? NaN) / (theirs[spec.key] ?? NaN));
      return met === undefined ? '–' : met ? 'met' : 'MISSED';
    };
    const target =
      spec.target === undefined
        ? ''
        : `${spec.target.op} ${spec.target.ratio}x: ${verdict(ours[spec.key])}, CLI ${verdict(figures['h2tunnel-cli']?.[spec.key])}`;
    rows.push([
      `${spec.label}${spec.unit === '' ? '' : ` (${spec.unit})`}`,
      formatFigure(ours[spec.key]),
      formatFigure(theirs[spec.key]),
      formatRatio(ours[spec.key], theirs[spec.key]),
      target,
      formatFigure(figures['h2tunnel-cli']?.[spec.key]),
      formatRatio(figures['h2tunnel-cli']?.[spec.key], theirs[spec.key]),
      formatFigure(figures['bare-http2']?.[spec.key]),
      formatFigure(figures['raw-tcp']?.[spec.key]),
    ]);
  }
  return `${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n`;
}
