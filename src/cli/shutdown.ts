import type { Logger } from 'pino';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Resolves with the first SIGINT or SIGTERM, so the caller can drain; a second one exits at once
 * (status 130), for an operator who does not want to wait for the drain. `requested` starts the drain as
 * a first signal would (a `--workers` primary's request). `stop()` removes the handlers.
 *
 * @example
 * ```ts
 * const signal = await shutdownSignal(log).received;
 * await server.close(drainMs);
 * ```
 */
export function shutdownSignal(log: Logger, requested?: Promise<NodeJS.Signals>): { readonly received: Promise<NodeJS.Signals>; stop(): void } {
  let first: NodeJS.Signals | undefined;
  let resolveReceived: (signal: NodeJS.Signals) => void = () => undefined;
  const received = new Promise<NodeJS.Signals>((resolve) => (resolveReceived = resolve));
  // A worker's primary forwards the signal it got as a message, not a signal: a worker that got the same
  // signal itself (Ctrl-C reaches the whole process group) must not take the message as a second one.
  void requested?.then((signal) => {
    if (first !== undefined) return;
    first = signal;
    resolveReceived(signal);
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (first === undefined) {
      first = signal;
      resolveReceived(signal);
      return;
    }
    log.warn({ signal }, 'second signal: exiting without waiting for open tunnels');
    process.exit(130);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    received,
    stop: () => SIGNALS.forEach((signal) => process.off(signal, onSignal)),
  };
}
