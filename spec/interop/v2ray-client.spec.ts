import assert from 'node:assert/strict';
import { filter, firstValueFrom, take, timeout } from 'rxjs';
import type { ServerEvent } from '../../src/server/server-events.js';
import { listen, type TunnelServer } from '../../src/server/listen.js';
import { requireBinary } from '../helpers/binaries.js';
import { testCertificate } from '../helpers/certs.js';
import { printOutputOnFailure } from '../helpers/process.js';
import { startV2rayClient, type V2rayInstance } from '../helpers/v2ray.js';
import { inParallel, sendAndCollect, tcpRoundTrip, throughput } from './round-trip.js';

const HOSTS = ['tunnel.test', 'cdn.tunnel.test', 'www.tunnel.test'];
const PATH = '/tun/v2';

// A real v2ray 4.34 client (dokodemo-door inbound, freedom outbound over the http transport) against our listen().
describe('interop: v2ray 4.34 client -> our server', function () {
  this.timeout(120_000);
  const servers: TunnelServer[] = [];
  const clients: V2rayInstance[] = [];
  const authorities: string[] = [];

  before(function () {
    requireBinary(this, 'v2ray');
  });

  afterEach(function () {
    printOutputOnFailure(this, Object.fromEntries(clients.map((instance, index) => [`v2ray client ${index}`, instance])));
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    await Promise.all(servers.map((server) => server.close()));
  });

  const echoServer = async (secure: boolean) => {
    const server = await listen(
      secure ? { listen: '127.0.0.1:0', tls: await testCertificate(), host: HOSTS, path: PATH } : { listen: '127.0.0.1:0', h2c: true, host: HOSTS, path: PATH },
    );
    servers.push(server);
    server.connections.subscribe((connection) => {
      authorities.push(connection.info.authority ?? '');
      const duplex = connection.toDuplex();
      duplex.pipe(duplex);
    });
    return { server, port: portOf(server) };
  };
  const client = async (options: Parameters<typeof startV2rayClient>[0]) => {
    const started = await startV2rayClient(options);
    clients.push(started);
    return started;
  };

  describe('with TLS', () => {
    let server: TunnelServer;
    let v2ray: V2rayInstance;
    before(async () => {
      const started = await echoServer(true);
      server = started.server;
      v2ray = await client({ serverPort: started.port, host: HOSTS, path: PATH, tls: { serverName: 'tunnel.test', allowInsecure: true } });
    });

    it('carries 32 MiB through one tunnel intact', async () => {
      const trip = await tcpRoundTrip(v2ray.port, 32 * 1024 * 1024, 100_000);
      assert.equal(trip.receivedBytes, trip.sentBytes);
      assert.equal(trip.receivedSha256, trip.sentSha256);
      console.log(`      v2ray client -> our server (TLS): 32 MiB echoed at ${throughput(trip)} MB/s each way`);
    });

    it('carries 200 parallel tunnels intact, spreading :authority over the host list', async () => {
      authorities.length = 0;
      const trips = await inParallel(200, 200, () => tcpRoundTrip(v2ray.port, 16 * 1024, 60_000));
      for (const trip of trips) assert.equal(trip.receivedSha256, trip.sentSha256);
      assert.equal(authorities.length, 200);
      for (const authority of authorities) assert.ok(HOSTS.includes(authority), authority);
      assert.ok(new Set(authorities).size > 1, 'v2ray picks a random host per tunnel');
    });

    it('gets nothing through with a wrong path, and our server reports the 404', async () => {
      const wrong = await client({ serverPort: portOf(server), host: HOSTS, path: '/elsewhere', tls: { serverName: 'tunnel.test', allowInsecure: true } });
      const rejected = firstValueFrom(
        server.events.pipe(
          filter((event): event is Extract<ServerEvent, { type: 'rejected' }> => event.type === 'rejected'),
          take(1),
          timeout(20_000),
        ),
      );
      const received = await sendAndCollect(wrong.port, Buffer.from('must not arrive'), 20_000);
      const event = await rejected;
      assert.equal(received.length, 0);
      assert.equal(event.status, 404);
      assert.equal(event.reason, 'path');
      assert.equal(event.path, '/elsewhere');
    });
  });

  describe('h2c', () => {
    it('v2ray 4.34 refuses to dial the http transport without TLS: our h2c server sees no session', async () => {
      const { server, port } = await echoServer(false);
      const opened: ServerEvent[] = [];
      const watching = server.events.subscribe((event) => opened.push(event));
      const v2ray = await client({ serverPort: port, host: HOSTS, path: PATH });
      const received = await sendAndCollect(v2ray.port, Buffer.from('hello'), 20_000);
      watching.unsubscribe();
      assert.equal(received.length, 0);
      assert.deepEqual(opened, []);
      // The h2c path for v2ray clients is a TLS-terminating proxy in front (see caddy.spec.ts).
    });
  });
});

function portOf(server: TunnelServer): number {
  if (typeof server.address === 'string') throw new Error('expected a TCP address');
  return server.address.port;
}
