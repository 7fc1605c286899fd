import assert from 'node:assert/strict';
import { filter, firstValueFrom, take, timeout } from 'rxjs';
import type { ServerEvent } from '../../../src/server/server-events.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import type { XhttpMode } from '../../../src/settings/xhttp-settings.js';
import { requireBinary } from '../../helpers/binaries.js';
import { eventually } from '../../helpers/eventually.js';
import { writeCertificateFiles, type CertificateFiles } from '../../helpers/cert-files.js';
import { testCertificate } from '../../helpers/certs.js';
import { stopAfterEach, tempDir, type TempDir } from '../../helpers/process.js';
import { startXrayClient, type XrayClientOptions } from '../../helpers/xray.js';
import { inParallel, sendAndCollect, tcpRoundTrip, throughput } from '../round-trip.js';

const HOST = 'tunnel.test';
const PATH = '/tun/';
const BULK = 8 * 1024 * 1024;

// The real Xray client (tunnel inbound → freedom outbound over XHTTP) against our listen() serving XHTTP.
describe('interop: Xray client -> our XHTTP server', function () {
  this.timeout(120_000);
  let dir: TempDir;
  let files: CertificateFiles;
  const servers: TunnelServer[] = [];
  const ends: string[] = [];
  const keep = stopAfterEach();

  before(async function () {
    requireBinary(this, 'xray');
    dir = await tempDir('xhttp-xray-client-');
    files = await writeCertificateFiles(dir.path, await testCertificate());
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await dir?.remove();
  });

  const echoServer = async (secure: boolean): Promise<TunnelServer> => {
    const transport = secure ? { tls: await testCertificate() } : { h2c: true };
    const server = await listen({ listen: '127.0.0.1:0', ...transport, host: [HOST], path: PATH, xhttp: {} });
    servers.push(server);
    server.connections.subscribe((connection) => {
      void connection.done.then((result) => ends.push(result._tag === 'Right' ? 'clean' : result.left.message));
      const duplex = connection.toDuplex();
      duplex.on('error', () => undefined);
      duplex.pipe(duplex);
    });
    return server;
  };
  const xrayClient = async (server: TunnelServer, mode: XhttpMode, tls: XrayClientOptions['tls'], path = PATH) =>
    keep(await startXrayClient({ serverPort: portOf(server), xhttp: { mode, host: HOST, path }, tls }));

  const cases: readonly { readonly name: string; readonly mode: XhttpMode; readonly secure: boolean; readonly alpn?: readonly string[] }[] = [
    { name: 'stream-one over h2 (TLS)', mode: 'stream-one', secure: true },
    { name: 'stream-up over h2 (TLS)', mode: 'stream-up', secure: true },
    { name: 'packet-up over h2 (TLS)', mode: 'packet-up', secure: true },
    { name: 'packet-up over HTTP/1.1 (TLS, ALPN http/1.1)', mode: 'packet-up', secure: true, alpn: ['http/1.1'] },
    { name: 'packet-up over cleartext HTTP/1.1', mode: 'packet-up', secure: false },
    { name: 'stream-up over cleartext HTTP/1.1', mode: 'stream-up', secure: false },
    { name: 'stream-one over cleartext HTTP/1.1', mode: 'stream-one', secure: false },
  ];

  for (const { name, mode, secure, alpn } of cases) {
    describe(name, () => {
      let server: TunnelServer;
      const tls = () => (secure ? { serverName: HOST, caFile: files.certFile, ...(alpn === undefined ? {} : { alpn }) } : undefined);
      before(async () => {
        server = await echoServer(secure);
      });

      it('carries 8 MiB intact both ways', async () => {
        const xray = await xrayClient(server, mode, tls());
        ends.length = 0;
        const trip = await tcpRoundTrip(xray.port, BULK, 60_000);
        assert.equal(trip.receivedBytes, trip.sentBytes);
        assert.equal(trip.receivedSha256, trip.sentSha256);
        await eventually(() => ends.length === 1, 'the tunnel to end on our side', 10_000);
        console.log(`      Xray client (${name}) -> our server: 8 MiB echoed at ${throughput(trip)} MB/s each way; our end: ${ends[0]}`);
      });

      it('carries 50 tunnels at once', async () => {
        const xray = await xrayClient(server, mode, tls());
        const trips = await inParallel(50, 50, () => tcpRoundTrip(xray.port, 64 * 1024, 60_000));
        for (const trip of trips) assert.equal(trip.receivedSha256, trip.sentSha256);
      });

      it('gets nothing through a wrong path, and our server reports the 404', async () => {
        const xray = await xrayClient(server, mode, tls(), '/elsewhere/');
        const rejected = firstValueFrom(
          server.events.pipe(
            filter((event): event is Extract<ServerEvent, { type: 'rejected' }> => event.type === 'rejected'),
            take(1),
            timeout(20_000),
          ),
        );
        const received = await sendAndCollect(xray.port, Buffer.from('must not arrive'), 20_000);
        const event = await rejected;
        assert.equal(received.length, 0);
        assert.equal(event.status, 404);
        assert.equal(event.reason, 'path');
      });
    });
  }
});

function portOf(server: TunnelServer): number {
  if (typeof server.address === 'string') throw new Error('expected a TCP address');
  return server.address.port;
}
