/** One point of the sweep: a number of tunnels and what the chain did with them. */
export interface SweepPoint {
  readonly tunnels: number;
  /** Aggregate echo throughput, MB/s each way. */
  readonly mbPerSecond: number;
  /** Client + server RSS with that many tunnels held open, MB. */
  readonly rssMb: number;
}

/** One tunnel's bulk echo through the emulated link at one round-trip time. */
export interface LinkPoint {
  readonly rttMs: number;
  readonly mbPerSecond: number;
}

/** A point of one panel, whatever it plots. */
interface Point {
  readonly x: number;
  readonly y: number;
}

const COLORS: Readonly<Record<string, string>> = {
  h2tunnel: '#1f77b4',
  'h2tunnel-cli': '#9467bd',
  'h2tunnel-cli-metrics': '#8c564b',
  v2ray: '#d62728',
  'bare-http2': '#2ca02c',
  stunnel: '#ff7f0e',
  'raw-tcp': '#7f7f7f',
};
const PANEL = { width: 420, height: 260, left: 60, top: 40, right: 20, bottom: 40 };

/**
 * A hand-written SVG of throughput and memory against the number of tunnels (log scale), one line
 * per chain: no charting dependency, opens in any browser.
 *
 * @example
 * ```ts
 * writeFileSync('chart.svg', renderChart({ h2tunnel: points, v2ray: points }));
 * ```
 */
export function renderChart(
  series: Readonly<Record<string, readonly SweepPoint[]>>,
  title: string,
  link: Readonly<Record<string, readonly LinkPoint[]>> = {},
): string {
  const sweep = (value: (p: SweepPoint) => number) => mapSeries(series, (p) => ({ x: p.tunnels, y: value(p) }));
  const panels = [
    { points: sweep((p) => p.mbPerSecond), label: 'throughput (MB/s, each way, all tunnels)', xLabel: 'tunnels (log scale)' },
    { points: sweep((p) => p.rssMb), label: 'memory: client + server RSS (MB)', xLabel: 'tunnels (log scale)' },
    {
      points: mapSeries(link, (p) => ({ x: p.rttMs, y: p.mbPerSecond })),
      label: 'one tunnel through the link (MB/s)',
      xLabel: 'round-trip time, ms (log scale)',
    },
  ].filter((p) => Object.values(p.points).some((points) => points.length > 0));
  const width = PANEL.width * Math.max(1, panels.length);
  const height = PANEL.height + 40;
  const names = [...new Set([...Object.keys(series), ...Object.keys(link)])];
  const legend = names
    .map(
      (name, i) =>
        `<rect x="${70 + i * 130}" y="${height - 18}" width="12" height="12" fill="${color(name)}"/><text x="${86 + i * 130}" y="${height - 8}">${escape(name)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${escape(title)}</text>`,
    ...panels.map((p, i) => panel(p.points, i * PANEL.width, p.label, p.xLabel)),
    legend,
    '</svg>',
  ].join('\n');
}

/**
 * The link section's one-tunnel figures as one curve per chain over the round-trip times.
 *
 * @example
 * ```ts
 * linkCurves({ '40': { v2ray: { bulk1: 24 } } }); // { v2ray: [{ rttMs: 40, mbPerSecond: 24 }] }
 * ```
 */
export function linkCurves(figures: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>>): Record<string, LinkPoint[]> {
  const curves: Record<string, LinkPoint[]> = {};
  for (const [rtt, byChain] of Object.entries(figures))
    for (const [name, values] of Object.entries(byChain)) {
      const mbPerSecond = values['held1'] ?? values['bulk1'];
      if (mbPerSecond !== undefined) (curves[name] ??= []).push({ rttMs: Number(rtt), mbPerSecond });
    }
  for (const points of Object.values(curves)) points.sort((a, b) => a.rttMs - b.rttMs);
  return curves;
}

function mapSeries<P>(series: Readonly<Record<string, readonly P[]>>, to: (p: P) => Point): Record<string, Point[]> {
  return Object.fromEntries(Object.entries(series).map(([name, points]) => [name, points.map(to)]));
}

function panel(series: Readonly<Record<string, readonly Point[]>>, offsetX: number, label: string, xLabel: string): string {
  const all = Object.values(series)
    .flat()
    .filter((p) => Number.isFinite(p.y));
  if (all.length === 0) return '';
  const minX = Math.min(...all.map((p) => p.x));
  const maxX = Math.max(...all.map((p) => p.x));
  const maxY = niceCeiling(Math.max(...all.map((p) => p.y)));
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const left = offsetX + PANEL.left;
  const x = (n: number) => left + (maxX <= minX ? 0 : (Math.log10(n / minX) / Math.log10(maxX / minX)) * plotW);
  const y = (v: number) => PANEL.top + plotH - (v / maxY) * plotH;
  const parts = [`<text x="${left + plotW / 2}" y="${PANEL.top - 10}" text-anchor="middle">${escape(label)}</text>`];
  parts.push(`<path d="M${left},${PANEL.top} V${PANEL.top + plotH} H${left + plotW}" fill="none" stroke="#444"/>`);
  for (let tick = 0; tick <= 4; tick++) {
    const v = (maxY * tick) / 4;
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${trim(v)}</text>`);
  }
  for (const n of [...new Set(all.map((p) => p.x))]) {
    parts.push(`<text x="${x(n)}" y="${PANEL.top + plotH + 16}" text-anchor="middle">${n}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${PANEL.top + plotH + 32}" text-anchor="middle">${escape(xLabel)}</text>`);
  for (const [name, points] of Object.entries(series)) {
    const shown = points.filter((p) => Number.isFinite(p.y));
    if (shown.length === 0) continue;
    parts.push(
      `<polyline fill="none" stroke="${color(name)}" stroke-width="2" points="${shown.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const p of shown) parts.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3" fill="${color(name)}"/>`);
  }
  return parts.join('\n');
}

function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= v) ?? 10;
  return step * magnitude;
}

const trim = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));
const color = (name: string) => COLORS[name] ?? '#555';
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
