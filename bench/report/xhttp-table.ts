import type { XhttpMode } from '../chains/xhttp-chain.js';
import type { LinkFigures } from '../link/section.js';
import { formatFigure, formatRatio } from './format.js';
import { verdict, xhttpTarget, type Where } from './xhttp-targets.js';

type Figures = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** A figure of a chain: its key and how it reads. */
interface Row {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
}

const LOOPBACK_ROWS: readonly Row[] = [
  { key: 'throughput1', label: 'one tunnel', unit: 'MB/s' },
  { key: 'throughput8', label: '8 tunnels', unit: 'MB/s' },
  { key: 'openP50', label: 'warm first byte (open) p50', unit: 'ms' },
  { key: 'openP99', label: 'warm first byte (open) p99', unit: 'ms' },
  { key: 'rate50', label: 'tunnels/s, 50 at once', unit: '/s' },
  { key: 'cpuPerOpen', label: 'CPU per tunnel opened, client + server', unit: 'µs' },
  { key: 'cpuPerMb', label: 'CPU per MB echoed, client + server, 1 tunnel', unit: 'ms' },
  { key: 'memTotal', label: 'memory/tunnel held, client + server', unit: 'KB' },
  { key: 'tcpConnections', label: 'TCP connections to the server (tunnels held)', unit: '' },
];

const LINK_ROWS: readonly Row[] = [
  { key: 'warmP50', label: 'warm first byte p50', unit: 'ms' },
  { key: 'warmP99', label: 'warm first byte p99', unit: 'ms' },
  { key: 'coldP50', label: 'cold first byte (fresh client) p50', unit: 'ms' },
  { key: 'bulk1', label: 'one tunnel', unit: 'MB/s' },
];

/**
 * The XHTTP comparison (issues 25 and 26) as Markdown: first one line of ratios per mode (one tunnel's
 * throughput and warm first byte, loopback and each RTT), then per mode every figure of ours (the CLI)
 * and Xray's side by side with their ratio and issue 26's target judged. `loopback` holds the chains'
 * figures by name (`xhttp-stream-one`, `xray-stream-one`, …), `link` the XHTTP link section's.
 *
 * @example
 * ```ts
 * console.log(renderXhttpTable({ 'xhttp-stream-one': { throughput1: 150 }, 'xray-stream-one': { throughput1: 90 } }, {}, ['stream-one']));
 * ```
 */
export function renderXhttpTable(loopback: Figures, link: LinkFigures, modes: readonly XhttpMode[]): string {
  const rtts = Object.keys(link);
  const places: readonly { readonly where: Where; readonly figures: Figures; readonly bulk: string; readonly first: string }[] = [
    { where: 'loopback', figures: loopback, bulk: 'throughput1', first: 'openP50' },
    ...rtts.map((rtt) => ({ where: Number(rtt), figures: link[rtt] ?? {}, bulk: 'bulk1', first: 'warmP50' })),
  ];
  const at = (where: Where) => (where === 'loopback' ? 'loopback' : `${where} ms`);
  const summary = [
    ['ours / Xray', ...places.map((p) => `one tunnel, ${at(p.where)}`), ...places.map((p) => `warm first byte p50, ${at(p.where)}`)],
    ['---', ...places.flatMap(() => ['---:', '---:'])],
    ...modes.map((mode) => [
      mode,
      ...places.map((p) => formatRatio(p.figures[`xhttp-${mode}`]?.[p.bulk], p.figures[`xray-${mode}`]?.[p.bulk])),
      ...places.map((p) => formatRatio(p.figures[`xhttp-${mode}`]?.[p.first], p.figures[`xray-${mode}`]?.[p.first])),
    ]),
  ];
  const tables = [markdown(summary)];
  for (const mode of modes) {
    const rows = [
      [`XHTTP ${mode}`, 'h2tunnel CLI', 'Xray', 'ours / Xray', 'target'],
      ['---', '---:', '---:', '---:', '---'],
    ];
    for (const place of places) {
      const ours = place.figures[`xhttp-${mode}`] ?? {};
      const theirs = place.figures[`xray-${mode}`] ?? {};
      for (const row of place.where === 'loopback' ? LOOPBACK_ROWS : LINK_ROWS) {
        // Not measured in this run (the quick run's cold first byte): no row.
        if (ours[row.key] === undefined && theirs[row.key] === undefined) continue;
        const ratio = (ours[row.key] ?? NaN) / (theirs[row.key] ?? NaN);
        rows.push([
          `${at(place.where)}: ${row.label}${row.unit === '' ? '' : ` (${row.unit})`}`,
          formatFigure(ours[row.key]),
          formatFigure(theirs[row.key]),
          formatRatio(ours[row.key], theirs[row.key]),
          verdict(xhttpTarget(mode, place.where, row.key), ratio),
        ]);
      }
    }
    if (mode === 'stream-one') rows.push(...platformRows(loopback));
    tables.push(markdown(rows));
  }
  return `${tables.join('\n\n')}\n`;
}

// Stream-one is the PUT tunnel's successor: beside Xray's one tunnel, what Node's http2 itself and our PUT
// tunnel carry in the same run, the ceiling a stream-one tunnel in Node can reach.
const PLATFORM: readonly { readonly chain: string; readonly label: string }[] = [
  { chain: 'bare-http2', label: 'bare Node http2 (the platform)' },
  { chain: 'h2tunnel-cli', label: "h2tunnel CLI over v2ray's PUT" },
];

function platformRows(loopback: Figures): string[][] {
  const xray = loopback['xray-stream-one']?.throughput1;
  return PLATFORM.flatMap(({ chain, label }) => {
    const figure = loopback[chain]?.throughput1;
    if (figure === undefined || xray === undefined) return [];
    return [[`loopback: one tunnel, ${label} (MB/s)`, formatFigure(figure), formatFigure(xray), formatRatio(figure, xray), '']];
  });
}

function markdown(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `| ${row.join(' | ')} |`).join('\n');
}
