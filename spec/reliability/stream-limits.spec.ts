import { strict as assert } from 'node:assert';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { listen, type TunnelServer } from '../../src/server/listen.js';
import { testCertificate } from '../helpers/certs.js';
import { managerPerTest } from './support/manager-per-test.js';
import { openTunnel, pattern, roundTrip } from './support/tunnels.js';

describe('reliability: stream limits', function () {
  this.timeout(30_000);
  let server: TunnelServer;
  let address: string;
  let ca: string;
  const client = managerPerTest(() => server.close());

  beforeEach(async () => {
    const pair = await testCertificate();
    ca = pair.cert;
    server = await listen({ listen: '127.0.0.1:0', tls: pair, host: ['tunnel.test'], path: '/tun', maxConcurrentStreams: 10 });
    server.connections.subscribe((connection) => {
      const duplex = connection.toDuplex();
      duplex.pipe(duplex);
    });
    address = `127.0.0.1:${(server.address as AddressInfo).port}`;
  });

  it('spreads 35 parallel tunnels over 4 sessions when the server allows 10 streams each, every byte intact', async () => {
    const settings = { host: ['tunnel.test'], path: '/tun', tls: { serverName: 'tunnel.test', ca } };
    const tunnels = await Promise.all(Array.from({ length: 35 }, () => openTunnel(client.manager, address, settings)));
    // All 35 are open at once before any byte moves: each session holds at most 10 of them.
    assert.equal(server.stats().tunnels, 35);
    assert.equal(client.events.filter((e) => e.type === 'opened').length, 4);
    assert.equal(server.stats().sessions, 4);
    const echoed = await Promise.all(tunnels.map((connection, i) => roundTrip(connection, pattern(40_000, i))));
    echoed.forEach((bytes, i) => assert.ok(bytes.equals(pattern(40_000, i)), `tunnel ${i} lost or reordered bytes`));
    for (const connection of tunnels) assert.ok(E.isRight(await connection.done));
  });
});
