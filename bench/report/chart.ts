/** One point of the sweep: a number of tunnels and what the chain did with them. */
export interface SweepPoint {
  readonly tunnels: number;
  /** Aggregate echo throughput, MB/s each way. */
  readonly mbPerSecond: number;
  /** Client + server RSS with that many tunnels held open, MB. */
  readonly rssMb: number;
}

const COLORS: Readonly<Record<string, string>> = { h2tunnel: '#1f77b4', 'h2tunnel-cli': '#9467bd', v2ray: '#d62728', 'raw-http2': '#2ca02c' };
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
export function renderChart(series: Readonly<Record<string, readonly SweepPoint[]>>, title: string): string {
  const width = PANEL.width * 2;
  const height = PANEL.height + 40;
  const panels = [
    panel(series, 0, 'throughput (MB/s, each way, all tunnels)', (p) => p.mbPerSecond),
    panel(series, PANEL.width, 'memory: client + server RSS (MB)', (p) => p.rssMb),
  ];
  const legend = Object.keys(series)
    .map(
      (name, i) =>
        `<rect x="${70 + i * 130}" y="${height - 18}" width="12" height="12" fill="${color(name)}"/><text x="${86 + i * 130}" y="${height - 8}">${escape(name)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${escape(title)}</text>`,
    ...panels,
    legend,
    '</svg>',
  ].join('\n');
}

function panel(series: Readonly<Record<string, readonly SweepPoint[]>>, offsetX: number, label: string, value: (p: SweepPoint) => number): string {
  const all = Object.values(series)
    .flat()
    .filter((p) => Number.isFinite(value(p)));
  if (all.length === 0) return '';
  const maxN = Math.max(...all.map((p) => p.tunnels));
  const maxY = niceCeiling(Math.max(...all.map(value)));
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const x = (n: number) => offsetX + PANEL.left + (maxN <= 1 ? 0 : (Math.log10(n) / Math.log10(maxN)) * plotW);
  const y = (v: number) => PANEL.top + plotH - (v / maxY) * plotH;
  const parts = [`<text x="${offsetX + PANEL.left + plotW / 2}" y="${PANEL.top - 10}" text-anchor="middle">${escape(label)}</text>`];
  parts.push(`<path d="M${x(1)},${PANEL.top} V${PANEL.top + plotH} H${x(1) + plotW}" fill="none" stroke="#444"/>`);
  for (let tick = 0; tick <= 4; tick++) {
    const v = (maxY * tick) / 4;
    parts.push(`<line x1="${x(1)}" x2="${x(1) + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${x(1) - 6}" y="${y(v) + 4}" text-anchor="end">${trim(v)}</text>`);
  }
  for (const n of [...new Set(all.map((p) => p.tunnels))]) {
    parts.push(`<text x="${x(n)}" y="${PANEL.top + plotH + 16}" text-anchor="middle">${n}</text>`);
  }
  parts.push(`<text x="${x(1) + plotW / 2}" y="${PANEL.top + plotH + 32}" text-anchor="middle">tunnels (log scale)</text>`);
  for (const [name, points] of Object.entries(series)) {
    const shown = points.filter((p) => Number.isFinite(value(p)));
    if (shown.length === 0) continue;
    parts.push(
      `<polyline fill="none" stroke="${color(name)}" stroke-width="2" points="${shown.map((p) => `${x(p.tunnels).toFixed(1)},${y(value(p)).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const p of shown) parts.push(`<circle cx="${x(p.tunnels).toFixed(1)}" cy="${y(value(p)).toFixed(1)}" r="3" fill="${color(name)}"/>`);
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
