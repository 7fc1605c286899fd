import type { Logger } from 'pino';
import { SessionManager } from '../../client/pool/session-manager.js';
import { formatHostPort } from '../../settings/address.js';
import type { ClientConfig } from '../config/client-config.js';
import { logError } from '../../errors/error-log.js';
import type { MetricsRecorder } from '../metrics/metrics-recorder.js';
import { runParts, type RunningPart, type RunOptions } from './run-parts.js';
import { startTunnelClient } from '../../forward/tunnel-client.js';

export type { RunOptions } from './run-parts.js';

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
  await runParts([(log, metrics) => startClientPart(config, log, undefined, metrics)], run);
}

/**
 * Starts one tunnel client with its own session manager and logs `client listening`; `label` names the
 * part of a config file it comes from.
 *
 * @example
 * ```ts
 * const part = await startClientPart(config, log);
 * await part.close(Date.now() + 10_000);
 * ```
 */
export async function startClientPart(config: ClientConfig, parent: Logger, label?: string, metrics?: MetricsRecorder): Promise<RunningPart> {
  const log = label === undefined ? parent : parent.child({ part: label });
  const manager = new SessionManager();
  manager.events.subscribe((event) => {
    if (event.type === 'opened') log.info({ session: event.id, server: event.key, tlsResumed: event.resumed }, 'session opened');
    else if (event.type === 'closed') log.info({ session: event.id, server: event.key }, 'session closed');
    else logError(log.child({ session: event.id }), event.reason, 'session retired');
  });
  for (const warning of config.warnings) log.warn(warning);
  const tls = config.settings.tls;
  if (tls?.allowInsecure === true) {
    const pinned = (tls.pinnedPeerCertificateChainSha256?.length ?? 0) + (tls.pinnedPeerCertificatePublicKeySha256?.length ?? 0) > 0;
    log.warn(
      pinned
        ? 'the server certificate chain is not verified: the server is known by its pinned certificate alone'
        : '--insecure (allowInsecure): the server certificate is NOT verified; anyone on the path can read and change the tunnels',
    );
  }
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
    await manager.close();
    throw error;
  }
  metrics?.client(manager, () => client.traffic.totals());
  log.info({ address: formatHostPort({ host: client.address.address, port: client.address.port }), server: formatHostPort(config.server) }, 'client listening');
  return {
    traffic: client.traffic,
    open: () => client.open(),
    sessions: () => manager.stats().sessions,
    close: (deadline) => client.close(deadline),
  };
}
