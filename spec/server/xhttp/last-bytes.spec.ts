import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { lastValueFrom, reduce } from 'rxjs';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import type { Connection } from '../../../src/connection/connection.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import type { XhttpMode } from '../../../src/settings/xhttp-settings.js';
import { testCertificate } from '../../helpers/certs.js';

const REPLY = 4 * 1024 * 1024;

// A server application that answers once the client's upload ended, and ends its side right after its
// last write, as a forwarder does when the target's FIN follows its last bytes. The split tunnel's end
// must wait for those bytes: ending it at once reset the download under them (RST_STREAM CANCEL), and the
// client saw "the download was cut off" with everything but the END_STREAM received.
describe('XHTTP server: the last bytes and the end of a split tunnel', function () {
  this.timeout(30_000);
  let tlsServer: TunnelServer;
  let clearServer: TunnelServer;
  const manager = new SessionManager();
  const served: Promise<unknown>[] = [];
  const reply = randomBytes(REPLY);

  before(async () => {
    tlsServer = await listen({ listen: '127.0.0.1:0', tls: await testCertificate(), host: ['tunnel.test'], path: '/tun/', xhttp: {} });
    clearServer = await listen({ listen: '127.0.0.1:0', h2c: true, host: ['tunnel.test'], path: '/tun/', xhttp: {} });
    for (const server of [tlsServer, clearServer]) {
      server.connections.subscribe((connection) => {
        served.push(connection.done);
        connection.output.subscribe({
          complete: () => {
            connection.push(reply);
            void connection.end().catch(() => undefined);
          },
          error: () => undefined,
        });
      });
    }
  });
  after(async () => {
    await manager.close();
    await tlsServer.close();
    await clearServer.close();
  });

  // Packet-up is not here: its upload has no end the server could wait for (the client closes the tunnel).
  const cases: readonly { readonly name: string; readonly mode: XhttpMode; readonly wire: 'h2' | 'h2c' | 'h1' }[] = [
    { name: 'stream-up over h2 (TLS)', mode: 'stream-up', wire: 'h2' },
    { name: 'stream-up over h2c', mode: 'stream-up', wire: 'h2c' },
    { name: 'stream-up over cleartext HTTP/1.1', mode: 'stream-up', wire: 'h1' },
    { name: 'stream-one over cleartext HTTP/1.1', mode: 'stream-one', wire: 'h1' },
  ];
  for (const { name, mode, wire } of cases) {
    it(`${name}: the reply written just before the end arrives whole, and both ends are clean`, async () => {
      served.length = 0;
      const base = { host: ['tunnel.test'], path: '/tun/' };
      const settings =
        wire === 'h2'
          ? { ...base, tls: { ca: (await testCertificate()).cert, serverName: 'tunnel.test' }, xhttp: { mode } }
          : wire === 'h2c'
            ? { ...base, h2c: true, xhttp: { mode } }
            : { ...base, xhttp: { mode } };
      const destination = `127.0.0.1:${((wire === 'h2' ? tlsServer : clearServer).address as AddressInfo).port}`;
      const received = async (connection: Connection) => {
        const bytes = lastValueFrom(connection.output.pipe(reduce((total, chunk) => total + chunk.length, 0)));
        await connection.write(Buffer.from('request'));
        await connection.end();
        return bytes;
      };
      for (let round = 0; round < 10; round++) {
        const connection = await openTunnel(destination, settings, { manager });
        const digest = createHash('sha256');
        connection.output.subscribe({ next: (chunk) => digest.update(chunk), error: () => undefined });
        assert.equal(await received(connection), REPLY, `round ${round}`);
        assert.equal(digest.digest('hex'), createHash('sha256').update(reply).digest('hex'));
        assert.deepEqual(await connection.done, E.right(undefined), `round ${round}`);
        assert.deepEqual(await served[round], E.right(undefined), `round ${round}`);
      }
    });
  }
});
