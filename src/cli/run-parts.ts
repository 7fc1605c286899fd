import type { Logger } from 'pino';
import type { HostPort } from '../config/address.js';
import { logError } from './logger.js';
import { startMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.js';
import { shutdownSignal } from './shutdown.js';
import { startStatsTicker } from './stats-ticker.js';
import type { Traffic, TrafficTotals } from './traffic.js';

/** How long-running commands behave, whatever their role. */
export interface RunOptions {
  readonly log: Logger;
  /** Seconds between `stats` lines; 0 for none. */
  readonly statsIntervalS: number;
  /** Seconds open tunnels get to finish after SIGINT/SIGTERM. */
  readonly drainTimeoutS: number;
  /** Where `--metrics` serves `/metrics` and `/healthz`, and whether with Node's process metrics; none when undefined. */
  readonly metrics?: { readonly address: HostPort; readonly nodeMetrics: boolean };
}

/** One listener of a running process: a tunnel client or a tunnel server, started and logged. */
export interface RunningPart {
  readonly traffic: Traffic;
  /** Tunnels open right now. */
  open(): number;
  /** Sessions open right now. */
  sessions(): number;
  /** Stops accepting within the call (and sends GOAWAY); open tunnels get until `deadline` (epoch ms). */
  close(deadline: number): Promise<void>;
}

/** Starts one part: binds its listener and logs that it listens, or rejects having left nothing open. */
export type PartStarter = (log: Logger, metrics: MetricsEndpoint | undefined) => Promise<RunningPart>;

/**
 * Runs parts side by side until SIGINT/SIGTERM, then drains them together: every listener stops
 * accepting, then open tunnels may finish within the drain timeout. The parts start in order; when one
 * cannot start, those already started are closed and the error is rethrown, so nothing is left serving
 * half a config.
 *
 * @example
 * ```ts
 * await runParts([(log) => startServerPart(config, log)], { log, statsIntervalS: 0, drainTimeoutS: 10 });
 * ```
 */
export async function runParts(starters: readonly PartStarter[], run: RunOptions): Promise<void> {
  const { log } = run;
  // First, so a metrics port that cannot be bound stops the start before any tunnel listener opens.
  const metrics = run.metrics === undefined ? undefined : await startMetricsEndpoint(run.metrics.address, log, run.metrics.nodeMetrics);
  const signal = shutdownSignal(log);
  const parts: RunningPart[] = [];
  try {
    for (const start of starters) parts.push(await start(log, metrics));
  } catch (error) {
    signal.stop();
    await Promise.all(parts.map((part) => part.close(Date.now())));
    await metrics?.close();
    throw error;
  }
  metrics?.setHealth('serving');
  const open = () => parts.reduce((sum, part) => sum + part.open(), 0);
  const totals = (): TrafficTotals =>
    parts.reduce(
      (sum, part) => {
        const t = part.traffic.totals();
        return { bytesUp: sum.bytesUp + t.bytesUp, bytesDown: sum.bytesDown + t.bytesDown };
      },
      { bytesUp: 0, bytesDown: 0 },
    );
  const stopStats = startStatsTicker(log, run.statsIntervalS, () => ({ sessions: parts.reduce((sum, part) => sum + part.sessions(), 0), tunnels: open() }), {
    totals,
  });

  const received = await signal.received;
  metrics?.setHealth('draining');
  // Stop accepting first (each close() does so before it awaits anything), then say so: whoever reads
  // the line and connects must find the ports closed.
  const deadline = Date.now() + run.drainTimeoutS * 1000;
  const closing = Promise.all(parts.map((part) => part.close(deadline).catch((error: unknown) => logError(log, error, 'shutdown failed'))));
  log.info({ signal: received, openTunnels: open(), drainTimeout: run.drainTimeoutS }, 'shutting down: no new tunnels, GOAWAY sent, open tunnels may finish');
  stopStats();
  await closing;
  await metrics?.close();
  log.info(totals(), 'stopped');
  signal.stop();
}
