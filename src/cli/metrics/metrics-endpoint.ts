import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { formatHostPort, type HostPort } from '../../settings/address.js';
import { listenOn } from '../../net/listen-on.js';
import { logError } from '../../errors/error-log.js';
import type { MetricsText } from './metrics-recorder.js';

/** What `/healthz` says: 503 until the tunnel listeners are up and again once the drain begins. */
export type Health = 'starting' | 'serving' | 'draining';

/** The `--metrics` HTTP listener. */
export interface MetricsEndpoint {
  readonly address: AddressInfo;
  setHealth(health: Health): void;
  close(): Promise<void>;
}

/**
 * Binds the `--metrics` HTTP listener: `GET /metrics` serves what `render` reads (the Prometheus text
 * exposition), `GET /healthz` 200 while the tunnels are served and 503 otherwise. A port that cannot be
 * bound is a ListenFailed, before any tunnel listener starts.
 *
 * @example
 * ```ts
 * const endpoint = await startMetricsEndpoint({ host: '127.0.0.1', port: 9464 }, log, recorder.render);
 * ```
 */
export async function startMetricsEndpoint(address: HostPort, log: Logger, render: () => Promise<MetricsText>): Promise<MetricsEndpoint> {
  let health: Health = 'starting';
  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'GET only\n');
    if (path === '/healthz') return send(response, health === 'serving' ? 200 : 503, 'text/plain', `${health}\n`);
    if (path !== '/metrics') return send(response, 404, 'text/plain', 'try /metrics or /healthz\n');
    render().then(
      (metrics) => send(response, 200, metrics.contentType, metrics.text),
      (error: unknown) => {
        log.error({ error: (error as Error).message }, 'metrics failed');
        send(response, 500, 'text/plain', 'metrics failed\n');
      },
    );
  };
  const http = createServer(answer);
  const bound = (await listenOn(http, { port: address.port, host: address.host }, `--metrics ${formatHostPort(address)}`, (error) =>
    logError(log, error, 'accept failed'),
  )) as AddressInfo;
  log.info({ address: formatHostPort({ host: bound.address, port: bound.port }) }, 'metrics listening');
  return {
    address: bound,
    setHealth: (next) => (health = next),
    close: async () => {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}
