import type { Logger } from 'pino';
import { formatHostPort } from '../../settings/address.js';
import { listen } from '../../server/listen.js';
import { runParts, type RunningPart, type RunOptions } from './run-parts.js';
import type { ServerConfig } from '../config/server-config.js';
import type { MetricsRecorder } from '../metrics/metrics-recorder.js';
import { forwardTunnels } from '../../forward/tunnel-forwarder.js';

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
  await runParts([(log, metrics) => startServerPart(config, log, undefined, metrics)], run);
}

/**
 * Starts one tunnel server forwarding to its target and logs `server listening`; `label` names the part
 * of a config file it comes from.
 *
 * @example
 * ```ts
 * const part = await startServerPart(config, log);
 * await part.close(Date.now() + 10_000);
 * ```
 */
export async function startServerPart(config: ServerConfig, parent: Logger, label?: string, metrics?: MetricsRecorder): Promise<RunningPart> {
  const log = label === undefined ? parent : parent.child({ part: label });
  for (const warning of config.warnings) log.warn(warning);
  const server = await listen(config.options);
  // Read at scrape time only, once the forwarder that counts the bytes exists.
  const report = metrics?.server(server, () => forwarder.traffic.totals());
  const forwarder = forwardTunnels(server, config.forward, log, { ...config.forwarding, ...(report === undefined ? {} : { report }) });
  const address = typeof server.address === 'string' ? `unix:${server.address}` : formatHostPort({ host: server.address.address, port: server.address.port });
  const tls = config.options.tls;
  log.info(
    {
      address,
      forward: formatHostPort(config.forward),
      tls: tls !== undefined,
      ...(tls?.clientCa === undefined ? {} : { clientCertificates: 'required' }),
      host: config.options.host,
      path: config.options.path ?? '/',
    },
    'server listening',
  );
  return {
    traffic: forwarder.traffic,
    open: () => forwarder.open(),
    sessions: () => server.stats().sessions,
    close: (deadline) => forwarder.close(deadline),
  };
}
