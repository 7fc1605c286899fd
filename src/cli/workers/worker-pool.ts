import cluster, { type Worker } from 'node:cluster';
import { ExitStatus } from '../exit-status.js';
import { startMetricsEndpoint, type MetricsEndpoint } from '../metrics/metrics-endpoint.js';
import { workersMetrics } from '../metrics/metrics-recorder.js';
import type { RunOptions } from '../commands/run-parts.js';
import { shutdownSignal } from '../shutdown.js';
import { workerLink, type WorkerMessage } from './worker-link.js';

/**
 * The primary's states: forking until every worker serves; serving (a worker that dies is replaced);
 * draining (every worker drains its own sessions); stopped.
 */
type PoolState = 'starting' | 'serving' | 'draining' | 'stopped';

// A worker that dies sooner than this after its start is replaced only after this long: a crash loop
// must not fork as fast as the machine can.
const RESTART_DELAY_MS = 1_000;

/**
 * Runs `count` workers of the same command line with Node's `cluster`: they share the listening socket
 * (the primary hands each connection, so each session, to one worker in turn), a worker that dies is
 * logged and replaced, SIGINT/SIGTERM drains every worker, and `--metrics` (served here) sums theirs. A
 * worker that cannot start (its config or port is refused, exit 2) stops them all with its status.
 *
 * @example
 * ```ts
 * if (cluster.isPrimary && workers > 1) await runWorkerPool(workers, run);
 * ```
 */
export async function runWorkerPool(count: number, run: RunOptions): Promise<void> {
  const log = run.log.child({ role: 'primary' });
  const endpoint: MetricsEndpoint | undefined =
    run.metrics === undefined ? undefined : await startMetricsEndpoint(run.metrics.address, log, (await workersMetrics()).render);
  const signal = shutdownSignal(log);
  const workers = new Map<Worker, { readonly started: number; serving: boolean }>();
  let state: PoolState = 'starting';
  let failedWith: number | undefined;
  let settle: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (settle = resolve));

  const fork = () => {
    const worker = cluster.fork();
    workers.set(worker, { started: Date.now(), serving: false });
    worker.on('message', (message: WorkerMessage | undefined) => {
      if (message?.type !== 'h2tunnel:serving') return;
      const entry = workers.get(worker);
      if (entry !== undefined) entry.serving = true;
      if (state === 'starting' && [...workers.values()].every((w) => w.serving) && workers.size === count) {
        state = 'serving';
        endpoint?.setHealth('serving');
        log.info({ workers: count, pids: [...workers.keys()].map((w) => w.process.pid) }, 'workers serving');
      } else if (state === 'serving') log.info({ worker: worker.process.pid }, 'worker replaced');
    });
    worker.once('exit', (code, exitSignal) => onExit(worker, code, exitSignal));
    return worker;
  };
  const onExit = (worker: Worker, code: number | null, exitSignal: string | null) => {
    const entry = workers.get(worker);
    workers.delete(worker);
    if (state === 'starting') {
      // It printed why; the others are stopped and the primary exits with its status.
      failedWith = code ?? 1;
      state = 'stopped';
      for (const other of workers.keys()) other.process.kill('SIGKILL');
    } else if (state === 'serving') {
      log.warn({ worker: worker.process.pid, code, signal: exitSignal }, 'worker exited; starting another');
      const early = entry !== undefined && Date.now() - entry.started < RESTART_DELAY_MS;
      if (early) setTimeout(() => state === 'serving' && fork(), RESTART_DELAY_MS).unref();
      else fork();
    }
    if (workers.size === 0 && state !== 'serving') settle();
  };

  for (let i = 0; i < count; i++) fork();
  const received = await Promise.race([signal.received, finished.then(() => undefined)]);
  if (received !== undefined) {
    state = 'draining';
    endpoint?.setHealth('draining');
    log.info({ signal: received, workers: workers.size, drainTimeout: run.drainTimeoutS }, 'shutting down: every worker drains');
    for (const worker of workers.keys()) {
      // A worker whose channel is gone exits by itself (worker-link.ts).
      if (worker.isConnected()) worker.send({ type: 'h2tunnel:drain', signal: received } satisfies WorkerMessage);
    }
    if (workers.size === 0) settle();
    await finished;
  }
  state = 'stopped';
  signal.stop();
  await endpoint?.close();
  if (failedWith !== undefined) throw new ExitStatus(failedWith);
  log.info('stopped');
}

/**
 * Runs `serve` in this process, or, with more than one worker asked for, as the primary of that many
 * workers each running `serve`; in a worker, `serve` gets the link to its primary.
 *
 * @example
 * ```ts
 * await inWorkers(flags.workers, run, (options) => runServer(config, options));
 * ```
 */
export async function inWorkers(count: number, run: RunOptions, serve: (run: RunOptions) => Promise<void>): Promise<void> {
  if (cluster.isWorker) return serve({ ...run, worker: workerLink() });
  if (count > 1) return runWorkerPool(count, run);
  return serve(run);
}
