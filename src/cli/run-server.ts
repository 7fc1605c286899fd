import { formatHostPort } from '../config/address.js';
import { listen } from '../server/listen.js';
import { logError } from './logger.js';
import type { RunOptions } from './run-client.js';
import type { ServerConfig } from './server-config.js';
import { shutdownSignal } from './shutdown.js';
import { startStatsTicker } from './stats-ticker.js';
import { forwardTunnels } from './tunnel-forwarder.js';

/**
 * Runs `h2tunnel server` until SIGINT/SIGTERM, then drains: stop accepting, GOAWAY, let open tunnels
 * finish within the drain timeout. Rejects (before serving) when the address cannot be bound.
 *
 * @example
 * ```ts
 * await runServer(config, { log, statsIntervalS: 0, drainTimeoutS: 10 });
 * ```
 */
export async function runServer(config: ServerConfig, run: RunOptions): Promise<void> {
  const { log } = run;
  for (const warning of config.warnings) log.warn(warning);
  const signal = shutdownSignal(log);
  let server;
  try {
    server = await listen(config.options);
  } catch (error) {
    signal.stop();
    throw error;
  }
  const forwarder = forwardTunnels(server, config.forward, log, config.forwarding);
  const address = typeof server.address === 'string' ? `unix:${server.address}` : formatHostPort({ host: server.address.address, port: server.address.port });
  log.info(
    { address, forward: formatHostPort(config.forward), tls: config.options.tls !== undefined, host: config.options.host, path: config.options.path ?? '/' },
    'server listening',
  );
  const stopStats = startStatsTicker(log, run.statsIntervalS, () => ({ sessions: server.stats().sessions, tunnels: forwarder.open() }), forwarder.traffic);

  const received = await signal.received;
  // Stop listening and send GOAWAY first (close() does both before it awaits anything), then say so.
  const closing = forwarder.close(Date.now() + run.drainTimeoutS * 1000).catch((error: unknown) => logError(log, error, 'shutdown failed'));
  log.info(
    { signal: received, openTunnels: forwarder.open(), drainTimeout: run.drainTimeoutS },
    'shutting down: GOAWAY to every session, open tunnels may finish',
  );
  stopStats();
  await closing;
  log.info(forwarder.traffic.totals(), 'stopped');
  signal.stop();
}
