import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import type { XhttpMode } from '../../../src/settings/xhttp-settings.js';
import { testCertificate } from '../../helpers/certs.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';

// Interactive traffic over HTTP/1.1: each small write must leave at once on both ends. With Nagle on, a
// write waits for the ACK of the one before, which the peer delays (~40 ms): a ping-pong crawls.
describe('XHTTP over HTTP/1.1 (TLS): small writes are not held back', function () {
  this.timeout(20_000);
  let server: TunnelServer;
  const manager = new SessionManager();

  before(async () => {
    server = await listen({ listen: '127.0.0.1:0', tls: await testCertificate(), path: '/tun/', xhttp: {} });
    server.connections.subscribe((connection) => {
      const duplex = connection.toDuplex();
      duplex.on('error', () => undefined);
      duplex.pipe(duplex);
    });
  });
  after(async () => {
    await manager.close();
    await server.close();
  });

  for (const mode of ['stream-up', 'packet-up'] as XhttpMode[]) {
    it(`${mode}: the first byte of a fresh tunnel echoes well within a delayed ACK`, async () => {
      const times: number[] = [];
      for (let tunnel = 0; tunnel < 9; tunnel++) {
        const connection = await openTunnel(
          `127.0.0.1:${(server.address as AddressInfo).port}`,
          { path: '/tun/', tls: { ca: (await testCertificate()).cert, serverName: 'tunnel.test' }, xhttp: { mode, httpVersion: '1.1' } },
          { manager },
        );
        const duplex = connection.toDuplex();
        const started = performance.now();
        const echoed = new Promise((resolve) => duplex.once('data', resolve));
        duplex.write(Buffer.from('x'));
        await echoed;
        times.push(performance.now() - started);
        connection.close();
      }
      const median = times.sort((a, b) => a - b)[4] ?? 0;
      assert.ok(median < 25, `first bytes took ${times.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    });
  }
});
