/** The figures the demo reports. */
export interface DemoFigures {
  readonly bulkTunnels: number;
  readonly bytesPerTunnel: number;
  readonly bulkSeconds: number;
  readonly quickTunnels: number;
  readonly tunnelsOpened: number;
  readonly openMs: readonly number[];
  readonly sessions: number;
  readonly verified: number;
  readonly totalSeconds: number;
}

/**
 * The demo's closing summary as lines of text.
 *
 * @example
 * ```ts
 * summaryLines(figures).forEach((line) => console.log(line));
 * ```
 */
export function summaryLines(f: DemoFigures): string[] {
  const bytes = f.bulkTunnels * f.bytesPerTunnel;
  const checks = f.bulkTunnels + f.quickTunnels;
  return [
    '',
    'Summary',
    `  bytes          ${(bytes / 1024 / 1024).toFixed(0)} MiB up and the same back down (${f.bulkTunnels} tunnels x ${(f.bytesPerTunnel / 1024 / 1024).toFixed(0)} MiB, echoed)`,
    `  throughput     ${(bytes / 1e6 / f.bulkSeconds).toFixed(1)} MB/s each way (${f.bulkSeconds.toFixed(2)} s)`,
    `  tunnels        ${f.tunnelsOpened} opened (${f.bulkTunnels} bulk + ${f.quickTunnels} short)`,
    `  time to open   p50 ${percentile(f.openMs, 0.5).toFixed(2)} ms, p90 ${percentile(f.openMs, 0.9).toFixed(2)} ms`,
    `  sessions       ${f.sessions} TCP connection${f.sessions === 1 ? '' : 's'} carried all of them`,
    `  checksums      ${f.verified}/${checks} SHA-256 verified${f.verified === checks ? '' : '  <-- MISMATCH'}`,
    `  total time     ${f.totalSeconds.toFixed(2)} s`,
  ];
}

/** The `q` quantile (0..1) of `values`, nearest-rank; 0 for none. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}
