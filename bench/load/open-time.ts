import { connect, readBytes } from './connect.js';

/** Time to open a tunnel on a warm session, in milliseconds. */
export interface OpenTimeResult {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * Opens `samples` tunnels one after another, each timed from the local TCP connect to the first
 * echoed byte of a one-byte write, then closed. A first untimed tunnel warms the session.
 *
 * @example
 * ```ts
 * const { p50Ms } = await openTime(chain.entryPort, 200);
 * ```
 */
export async function openTime(port: number, samples: number): Promise<OpenTimeResult> {
  const warm = await connect(port);
  warm.write('w');
  await readBytes(warm, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const started = process.hrtime.bigint();
      const socket = await connect(port);
      socket.write('x');
      await readBytes(socket, 1);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      socket.destroy();
    }
  } finally {
    warm.destroy();
  }
  return { samples, p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99) };
}

/** The `q` quantile (nearest rank) of `values`. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}
