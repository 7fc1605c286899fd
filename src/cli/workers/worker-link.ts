import type { WorkerLink } from '../commands/run-parts.js';

/** Messages between a `--workers` primary and its workers, over the cluster's IPC channel. */
export type WorkerMessage = { readonly type: 'h2tunnel:serving' } | { readonly type: 'h2tunnel:drain'; readonly signal: NodeJS.Signals };

/**
 * The worker's end of the link: the primary's drain request, and the word that this worker serves. A
 * worker whose primary is gone (killed, or a second signal) exits at once: nobody would replace it or
 * drain it, and it must not hold the port alone.
 *
 * @example
 * ```ts
 * await runServer(config, { ...run, worker: workerLink() });
 * ```
 */
export function workerLink(): WorkerLink {
  const drainRequested = new Promise<NodeJS.Signals>((resolve) => {
    process.on('message', (message: WorkerMessage | undefined) => {
      if (message?.type === 'h2tunnel:drain') resolve(message.signal);
    });
  });
  process.once('disconnect', () => process.exit(1));
  return {
    drainRequested,
    serving: () => process.send?.({ type: 'h2tunnel:serving' } satisfies WorkerMessage),
  };
}
