import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import type { Connection } from '../../../src/connection/connection.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import type { XhttpMode } from '../../../src/settings/xhttp-settings.js';
import { xhttpRefusal } from '../../helpers/xhttp-refusal.js';
import { testCertificate } from '../../helpers/certs.js';
import { echoRoundTrip, inParallel } from '../../interop/round-trip.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';

const BULK = 8 * 1024 * 1024;

// Our XHTTP client against our XHTTP server, in every mode and HTTP version.
describe('XHTTP: our client -> our server', function () {
  this.timeout(60_000);
  let tlsServer: TunnelServer;
  let clearServer: TunnelServer;
  const manager = new SessionManager();
  const results: Promise<unknown>[] = [];

  before(async () => {
    const cert = await testCertificate();
    tlsServer = await listen({ listen: '127.0.0.1:0', tls: cert, host: ['tunnel.test'], path: '/tun/', xhttp: {} });
    clearServer = await listen({ listen: '127.0.0.1:0', h2c: true, host: ['tunnel.test'], path: '/tun/', xhttp: {} });
    for (const server of [tlsServer, clearServer]) {
      server.connections.subscribe((connection) => {
        results.push(connection.done);
        const duplex = connection.toDuplex();
        duplex.on('error', () => undefined);
        duplex.pipe(duplex);
      });
    }
  });
  after(async () => {
    await manager.close();
    await tlsServer.close();
    await clearServer.close();
  });

  const portOf = (server: TunnelServer) => (server.address as AddressInfo).port;
  const cases: readonly { readonly name: string; readonly mode: XhttpMode; readonly wire: 'h2' | 'h2c' | 'h1' | 'h1-tls' }[] = [
    { name: 'stream-one over h2 (TLS)', mode: 'stream-one', wire: 'h2' },
    { name: 'stream-up over h2 (TLS)', mode: 'stream-up', wire: 'h2' },
    { name: 'packet-up over h2 (TLS)', mode: 'packet-up', wire: 'h2' },
    { name: 'stream-up over h2c', mode: 'stream-up', wire: 'h2c' },
    { name: 'packet-up over HTTP/1.1 (TLS)', mode: 'packet-up', wire: 'h1-tls' },
    { name: 'auto (packet-up) over cleartext HTTP/1.1', mode: 'auto', wire: 'h1' },
    { name: 'stream-one over cleartext HTTP/1.1', mode: 'stream-one', wire: 'h1' },
    { name: 'stream-up over cleartext HTTP/1.1', mode: 'stream-up', wire: 'h1' },
  ];

  for (const { name, mode, wire } of cases) {
    describe(name, () => {
      const settings = async (): Promise<DialSettings> => {
        const base = { host: ['tunnel.test'], path: '/tun/' };
        if (wire === 'h2' || wire === 'h1-tls') {
          return {
            ...base,
            tls: { ca: (await testCertificate()).cert, serverName: 'tunnel.test' },
            xhttp: { mode, ...(wire === 'h1-tls' ? { httpVersion: '1.1' } : {}) },
          };
        }
        return wire === 'h2c' ? { ...base, h2c: true, xhttp: { mode } } : { ...base, xhttp: { mode } };
      };
      const destination = () => `127.0.0.1:${portOf(wire === 'h2' || wire === 'h1-tls' ? tlsServer : clearServer)}`;

      it('carries 8 MiB intact both ways, and both ends see a clean end', async () => {
        results.length = 0;
        const connection: Connection = await openTunnel(destination(), await settings(), { manager });
        const trip = await echoRoundTrip(connection.toDuplex(), BULK, 30_000);
        assert.equal(trip.receivedSha256, trip.sentSha256);
        assert.deepEqual(await connection.done, E.right(undefined));
        assert.deepEqual(await results[0], E.right(undefined));
      });

      it('carries 50 tunnels at once', async () => {
        const given = await settings();
        const trips = await inParallel(50, 50, async () => {
          const connection = await openTunnel(destination(), given, { manager });
          return echoRoundTrip(connection.toDuplex(), 64 * 1024, 30_000);
        });
        for (const trip of trips) assert.equal(trip.receivedSha256, trip.sentSha256);
      });

      it('fails with 404 on a wrong path', async () => {
        const error = await xhttpRefusal(destination(), { ...(await settings()), path: '/elsewhere/' }, manager);
        assert.equal(error.code, 'H2T_ERR_STATUS', JSON.stringify(error));
        assert.equal((error as { status?: number }).status, 404);
      });
    });
  }
});
