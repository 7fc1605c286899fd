import assert from 'node:assert/strict';
import { filter, firstValueFrom, take, timeout } from 'rxjs';
import type { ServerEvent } from '../../src/server/server-events.js';
import { listen, type TunnelServer } from '../../src/server/listen.js';
import { requireBinary } from '../helpers/binaries.js';
import { writeCertificateFiles, type CertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { eventually } from '../helpers/eventually.js';
import type { GoPeerInstance } from '../helpers/go-peer.js';
import { printOutputOnFailure, tempDir, type TempDir } from '../helpers/process.js';
import { startV2flyClient, type V2flyClientOptions } from '../helpers/v2fly.js';
import { inParallel, sendAndCollect, tcpRoundTrip, throughput } from './round-trip.js';

const HOSTS = ['tunnel.test', 'cdn.tunnel.test'];
const PATH = '/tun/v5';
const MiB = 1024 * 1024;

// A real v2fly v5.52.0 client (jsonv5: dokodemo-door inbound, freedom outbound over transport "h2") against our listen().
describe('interop: v2fly v5 client -> our server', function () {
  this.timeout(120_000);
  let dir: TempDir;
  let files: CertificateFiles;
  const servers: TunnelServer[] = [];
  const clients: GoPeerInstance[] = [];
  const authorities: string[] = [];

  before(async function () {
    requireBinary(this, 'v2fly');
    dir = await tempDir('v2fly-client-');
    files = await writeCertificateFiles(dir.path, await testCertificate());
  });

  afterEach(function () {
    printOutputOnFailure(this, Object.fromEntries(clients.map((instance, index) => [`v2fly client ${index}`, instance])));
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    await Promise.all(servers.map((server) => server.close()));
    await dir?.remove();
  });

  const echoServer = async (secure: boolean) => {
    const options = { listen: '127.0.0.1:0', host: HOSTS, path: PATH };
    const server = await listen(secure ? { ...options, tls: await testCertificate() } : { ...options, h2c: true });
    servers.push(server);
    server.connections.subscribe((connection) => {
      authorities.push(connection.info.authority ?? '');
      const duplex = connection.toDuplex();
      duplex.pipe(duplex);
    });
    return server;
  };
  const client = async (options: V2flyClientOptions) => {
    const started = await startV2flyClient(options);
    clients.push(started);
    return started;
  };
  const tls = () => ({ serverName: 'tunnel.test', caFile: files.certFile });

  describe('with TLS', () => {
    let server: TunnelServer;
    let v2fly: GoPeerInstance;
    before(async () => {
      server = await echoServer(true);
      v2fly = await client({ serverPort: portOf(server), host: HOSTS, path: PATH, tls: tls() });
    });

    it('carries 8 MiB through one tunnel intact, both ways', async () => {
      const trip = await tcpRoundTrip(v2fly.port, 8 * MiB);
      assert.equal(trip.receivedBytes, trip.sentBytes);
      assert.equal(trip.receivedSha256, trip.sentSha256);
      console.log(`      v2fly client -> our server (TLS): 8 MiB echoed at ${throughput(trip)} MB/s each way`);
    });

    it('carries 50 tunnels at once intact, each with a Host from the list', async () => {
      authorities.length = 0;
      const trips = await inParallel(50, 50, () => tcpRoundTrip(v2fly.port, 64 * 1024));
      for (const trip of trips) assert.equal(trip.receivedSha256, trip.sentSha256);
      assert.equal(authorities.length, 50);
      for (const authority of authorities) assert.ok(HOSTS.includes(authority), authority);
    });

    it('gets nothing through with a host outside our list, and our server reports the 404', async () => {
      const wrong = await client({ serverPort: portOf(server), host: ['stranger.test'], path: PATH, tls: tls() });
      const rejected = firstRejection(server);
      const received = await sendAndCollect(wrong.port, Buffer.from('must not arrive'), 20_000);
      const event = await rejected;
      assert.equal(received.length, 0);
      assert.equal(event.status, 404);
      assert.equal(event.reason, 'host');
      assert.equal(event.authority, 'stranger.test');
    });
  });

  describe('h2c', () => {
    it('v2fly v5 refuses to dial the http transport without TLS: our h2c server sees no session', async () => {
      const server = await echoServer(false);
      const seen: ServerEvent[] = [];
      const watching = server.events.subscribe((event) => seen.push(event));
      const v2fly = await client({ serverPort: portOf(server), host: HOSTS, path: PATH });
      const received = await sendAndCollect(v2fly.port, Buffer.from('hello'), 20_000);
      watching.unsubscribe();
      assert.equal(received.length, 0);
      assert.deepEqual(seen, []);
      // v2fly logs the refusal after it has closed the local connection.
      await eventually(() => /TLS must be enabled for http transport/.test(v2fly.output()), "v2fly's refusal in its log");
    });
  });
});

function firstRejection(server: TunnelServer): Promise<Extract<ServerEvent, { type: 'rejected' }>> {
  return firstValueFrom(
    server.events.pipe(
      filter((event): event is Extract<ServerEvent, { type: 'rejected' }> => event.type === 'rejected'),
      take(1),
      timeout(20_000),
    ),
  );
}

function portOf(server: TunnelServer): number {
  if (typeof server.address === 'string') throw new Error('expected a TCP address');
  return server.address.port;
}
