import type { Logger } from 'pino';
import type { HostPort } from '../../settings/address.js';
import { logError } from '../../errors/error-log.js';
import { startMetricsEndpoint } from '../metrics/metrics-endpoint.js';
import { metricsRecorder, type MetricsRecorder } from '../metrics/metrics-recorder.js';
import { shutdownSignal } from '../shutdown.js';
import { startStatsTicker } from '../metrics/stats-ticker.js';
import type { Traffic, TrafficTotals } from '../../forward/traffic.js';

/** How long-running commands behave, whatever their role. */
export interface RunOptions {
  readonly log: Logger;
  /** Seconds between `stats` lines; 0 for none. */
  readonly statsIntervalS: number;
  /** Seconds open tunnels get to finish after SIGINT/SIGTERM. */
  readonly drainTimeoutS: number;
  /** Where `--metrics` serves `/metrics` and `/healthz`, and whether with Node's process metrics; none when undefined. */
  readonly metrics?: { readonly address: HostPort; readonly nodeMetrics: boolean };
  /** Set in a `--workers` worker: its primary serves the metrics and asks it to drain. */
  readonly worker?: WorkerLink;
}

/** A worker's line to its primary. */
export interface WorkerLink {
  /** Resolves when the primary asks for the drain (it forwards the signal it got). */
  readonly drainRequested: Promise<NodeJS.Signals>;
  /** Tells the primary this worker's listeners are up. */
  serving(): void;
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
export type PartStarter = (log: Logger, metrics: MetricsRecorder | undefined) => Promise<RunningPart>;

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
  const metrics = run.metrics === undefined ? undefined : await metricsRecorder(run.metrics.nodeMetrics);
  // First, so a metrics port that cannot be bound stops the start before any tunnel listener opens. A
  // worker has none: its primary serves the sum of the workers' metrics.
  const endpoint =
    run.metrics === undefined || metrics === undefined || run.worker !== undefined
      ? undefined
      : await startMetricsEndpoint(run.metrics.address, log, metrics.render);
  if (run.worker !== undefined) metrics?.answerPrimary();
  const signal = shutdownSignal(log, run.worker?.drainRequested);
  const parts: RunningPart[] = [];
  try {
    for (const start of starters) parts.push(await start(log, metrics));
  } catch (error) {
    signal.stop();
    await Promise.all(parts.map((part) => part.close(Date.now())));
    metrics?.stop();
    await endpoint?.close();
    throw error;
  }
  endpoint?.setHealth('serving');
  run.worker?.serving();
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
  endpoint?.setHealth('draining');
  // Stop accepting first (each close() does so before it awaits anything), then say so: whoever reads
  // the line and connects must find the ports closed.
  const deadline = Date.now() + run.drainTimeoutS * 1000;
  const closing = Promise.all(parts.map((part) => part.close(deadline).catch((error: unknown) => logError(log, error, 'shutdown failed'))));
  log.info({ signal: received, openTunnels: open(), drainTimeout: run.drainTimeoutS }, 'shutting down: no new tunnels, GOAWAY sent, open tunnels may finish');
  stopStats();
  await closing;
  metrics?.stop();
  await endpoint?.close();
  log.info(totals(), 'stopped');
  signal.stop();
}
