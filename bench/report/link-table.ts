import type { LinkFigures } from '../link/section.js';
import { meetsBound, type Bound } from './bound.js';
import { formatFigure, formatRatio } from './format.js';

/** The issue's target for one row: a bound, where it is judged, and another row's bound that must hold in the same run. */
interface Target extends Bound {
  /** The RTTs (ms) at which the target is judged; every RTT when absent. */
  readonly rtts?: readonly number[];
  /** Met only if this other figure of the same run meets its bound too. */
  readonly with?: Bound & { readonly key: string; readonly label: string };
}

/** One row of the link table: a metric, its unit and its target against v2ray. */
interface LinkMetric {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly target?: Target;
}

// Issue 26's second decision is judged where it was set: a 40 ms and a 150 ms link.
const DECISION_2_RTTS = [40, 150];

const LINK_METRICS: readonly LinkMetric[] = [
  { key: 'warmP50', label: 'warm first byte p50', unit: 'ms', target: { op: '<=', ratio: 0.6 } },
  { key: 'warmP99', label: 'warm first byte p99', unit: 'ms' },
  { key: 'coldP50', label: 'cold first byte (fresh client) p50', unit: 'ms', target: { op: '<=', ratio: 0.8 } },
  { key: 'held1', label: 'one tunnel held after warm-up', unit: 'MB/s', target: { op: '>=', ratio: 3, rtts: DECISION_2_RTTS } },
  { key: 'bulk1', label: 'one tunnel, first 64 MB of fresh processes', unit: 'MB/s' },
  { key: 'bulk8', label: '8 tunnels', unit: 'MB/s' },
  {
    key: 'loadedP50',
    label: 'first byte under load p50',
    unit: 'ms',
    // A short queue bought with a slow bulk tunnel is not the target: both, in the same run.
    target: { op: '<=', ratio: 0.8, rtts: DECISION_2_RTTS, with: { key: 'loadedBulk', label: 'bulk', op: '>=', ratio: 1.5 } },
  },
  { key: 'loadedP99', label: 'first byte under load p99', unit: 'ms' },
  { key: 'loadedBulk', label: 'the bulk tunnel meanwhile', unit: 'MB/s', target: { op: '>=', ratio: 1.5, rtts: DECISION_2_RTTS } },
];

/**
 * The link section as one Markdown table per RTT: the CLI, the library, v2ray, the CLI's ratio to v2ray
 * against the target, the CLI with `--bulk-cap` and its ratio judged against the same target, then stunnel
 * (TLS alone) and raw TCP through the same link as yardsticks.
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
    const capped = byChain['h2tunnel-cli-bulk-cap'] ?? {};
    const rows = [
      [
        `${rtt} ms RTT`,
        'h2tunnel CLI',
        'library',
        'v2ray 4.34',
        'CLI / v2ray',
        'target',
        'CLI --bulk-cap',
        '--bulk-cap / v2ray',
        'stunnel',
        'CLI / stunnel',
        'raw TCP',
      ],
      ['---', '---:', '---:', '---:', '---:', '---', '---:', '---:', '---:', '---:', '---:'],
    ];
    for (const metric of LINK_METRICS) {
      const target = metric.target !== undefined && (metric.target.rtts ?? [Number(rtt)]).includes(Number(rtt)) ? metric.target : undefined;
      rows.push([
        `${metric.label} (${metric.unit})`,
        formatFigure(cli[metric.key]),
        formatFigure(byChain['h2tunnel']?.[metric.key]),
        formatFigure(v2ray[metric.key]),
        formatRatio(cli[metric.key], v2ray[metric.key]),
        target === undefined ? '' : verdict(target, metric.key, cli, v2ray),
        formatFigure(capped[metric.key]),
        `${formatRatio(capped[metric.key], v2ray[metric.key])}${target === undefined ? '' : outcome(target, metric.key, capped, v2ray)}`.trim(),
        formatFigure(byChain['stunnel']?.[metric.key]),
        formatRatio(cli[metric.key], byChain['stunnel']?.[metric.key]),
        formatFigure(byChain['raw-tcp']?.[metric.key]),
      ]);
    }
    tables.push(rows.map((row) => `| ${row.join(' | ')} |`).join('\n'));
  }
  return `${tables.join('\n\n')}\n`;
}

type Figures = Readonly<Record<string, number>>;

function verdict(target: Target, key: string, cli: Figures, v2ray: Figures): string {
  const also = target.with;
  const text = `${target.op} ${target.ratio}x${also === undefined ? '' : ` with ${also.label} ${also.op} ${also.ratio}x`}`;
  return `${text}${outcome(target, key, cli, v2ray)}`;
}

/** ` met` or ` MISSED` for `figures` against the target and the bound it goes with; empty while a figure is missing. */
function outcome(target: Target, key: string, figures: Figures, v2ray: Figures): string {
  const also = target.with;
  const met = meets(target, key, figures, v2ray);
  const alsoMet = also === undefined ? true : meets(also, also.key, figures, v2ray);
  return met === undefined || alsoMet === undefined ? '' : met && alsoMet ? ' met' : ' MISSED';
}

function meets(bound: Bound, key: string, cli: Figures, v2ray: Figures): boolean | undefined {
  return meetsBound(bound, (cli[key] ?? NaN) / (v2ray[key] ?? NaN));
}
