import type { Logger } from 'pino';
import { SessionManager } from '../client/session-manager.js';
import { formatHostPort } from '../config/address.js';
import { logError } from './logger.js';
import type { ClientConfig } from './client-config.js';
import { shutdownSignal } from './shutdown.js';
import { startStatsTicker } from './stats-ticker.js';
import { startTunnelClient } from './tunnel-client.js';

/** How long-running commands behave, whatever their role. */
export interface RunOptions {
  readonly log: Logger;
  /** Seconds between `stats` lines; 0 for none. */
  readonly statsIntervalS: number;
  /** Seconds open tunnels get to finish after SIGINT/SIGTERM. */
  readonly drainTimeoutS: number;
}

/**
 * Runs `h2tunnel client` until SIGINT/SIGTERM, then drains: stop accepting, GOAWAY, let open tunnels
 * finish within the drain timeout. Rejects (before serving) when the local address cannot be bound.
 *
 * @example
 * ```ts
 * await runClient(config, { log, statsIntervalS: 0, drainTimeoutS: 10 });
 * ```
 */
export async function runClient(config: ClientConfig, run: RunOptions): Promise<void> {
  const { log } = run;
  const manager = new SessionManager();
  manager.events.subscribe((event) => {
    if (event.type === 'opened') log.info({ session: event.id, server: event.key, tlsResumed: event.resumed }, 'session opened');
    else if (event.type === 'closed') log.info({ session: event.id, server: event.key }, 'session closed');
    else logError(log.child({ session: event.id }), event.reason, 'session retired');
  });
  for (const warning of config.warnings) log.warn(warning);
  if (config.settings.tls?.allowInsecure === true) {
    log.warn('--insecure: the server certificate is NOT verified; anyone on the path can read and change the tunnels');
  }
  const signal = shutdownSignal(log);
  let client;
  try {
    client = await startTunnelClient({
      listen: config.listen,
      server: config.server,
      settings: config.settings,
      idleTimeoutMs: config.idleTimeoutMs,
      manager,
      log,
    });
  } catch (error) {
    signal.stop();
    await manager.close();
    throw error;
  }
  log.info({ address: formatHostPort({ host: client.address.address, port: client.address.port }), server: formatHostPort(config.server) }, 'client listening');
  const stopStats = startStatsTicker(log, run.statsIntervalS, () => ({ sessions: manager.stats().sessions, tunnels: client.open() }), client.traffic);

  const received = await signal.received;
  // Stop accepting first (close() does so before it awaits anything), then say so: whoever reads the
  // line and connects must find the port closed, not a listener the process had no time to close yet.
  const closing = client.close(Date.now() + run.drainTimeoutS * 1000);
  log.info({ signal: received, openTunnels: client.open(), drainTimeout: run.drainTimeoutS }, 'shutting down: no new tunnels, open ones may finish');
  stopStats();
  await closing;
  log.info(client.traffic.totals(), 'stopped');
  signal.stop();
}
