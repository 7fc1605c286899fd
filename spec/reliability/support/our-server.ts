import type { AddressInfo } from 'node:net';
import type { Connection } from '../../../src/connection/connection.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import type { ListenOptions } from '../../../src/server/server-options.js';
import type { ServerEvent } from '../../../src/server/server-events.js';
import { testCertificate } from '../../helpers/certs.js';

/** Our own tunnel server on 127.0.0.1:0 (TLS unless `h2c`), echoing, recording what reaches the application. */
export interface OurServer {
  readonly server: TunnelServer;
  readonly port: number;
  readonly address: string;
  readonly cert: string | undefined;
  /** Tunnels the application (the forward target) saw. */
  readonly accepted: Connection[];
  readonly events: ServerEvent[];
  close(): Promise<void>;
}

export async function startOurServer(options: Partial<ListenOptions> = {}): Promise<OurServer> {
  const pair = options.h2c === true ? undefined : await testCertificate();
  const server = await listen({ listen: '127.0.0.1:0', host: ['tunnel.test'], path: '/tun', ...(pair === undefined ? {} : { tls: pair }), ...options });
  const accepted: Connection[] = [];
  const events: ServerEvent[] = [];
  server.events.subscribe((event) => events.push(event));
  server.connections.subscribe((connection) => {
    accepted.push(connection);
    const duplex = connection.toDuplex();
    duplex.on('error', () => undefined);
    duplex.pipe(duplex);
  });
  const port = (server.address as AddressInfo).port;
  return { server, port, address: `127.0.0.1:${port}`, cert: pair?.cert, accepted, events, close: () => server.close() };
}
