import assert from 'node:assert/strict';
import { connect } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import { requireBinary } from '../../helpers/binaries.js';
import type { GoPeerInstance } from '../../helpers/go-peer.js';
import { printOutputOnFailure } from '../../helpers/process.js';
import { startXrayClient } from '../../helpers/xray.js';
import { echoRoundTrip, inParallel, tcpRoundTrip, throughput } from '../round-trip.js';
import { dialSettings, HOST, interactiveEcho, PATH, startNginxFronts, type NginxFronts } from './nginx-fronts.js';

const BULK = 1024 * 1024;
const TUNNELS = 10;

// XHTTP packet-up behind a buffering HTTP/1.1 proxy, as behind a CDN (see nginx-fronts.ts for nginx's
// config). Each POST is a small whole body, and the GET's download streams because both our server and
// Xray's answer it with `X-Accel-Buffering: no` — no `proxy_buffering off` is needed. nginx 1.22's HTTP/2
// side leaves a response's HEADERS in its TLS buffer until it writes something else on the connection,
// so over h2 the download's 200 comes late: the client must upload without waiting for it, as Xray's does.
describe('interop: XHTTP packet-up through nginx (a buffering HTTP/1.1 proxy, as a CDN)', function () {
  this.timeout(60_000);
  let fronts: NginxFronts;
  const xrayClients: GoPeerInstance[] = [];
  const manager = new SessionManager();

  before(async function () {
    requireBinary(this, 'nginx');
    requireBinary(this, 'xray');
    fronts = await startNginxFronts();
  });
  afterEach(function () {
    printOutputOnFailure(this, {
      ...fronts?.programs,
      ...Object.fromEntries(xrayClients.map((client, index) => [`xray client ${index}`, client])),
    });
  });
  after(async () => {
    await manager.close();
    await Promise.all(xrayClients.map((client) => client.stop()));
    await fronts?.stop();
  });

  const origins = [
    { origin: 'our server', nginx: () => fronts.toOurs },
    { origin: 'Xray server', nginx: () => fronts.toXray },
  ];
  for (const { origin, nginx } of origins) {
    for (const httpVersion of ['2', '1.1'] as const) {
      const name = `our client -(${httpVersion === '2' ? 'h2' : 'HTTP/1.1'})-> nginx -> ${origin}`;
      describe(name, () => {
        const destination = () => `127.0.0.1:${nginx().port}`;
        const settings = () => dialSettings(fronts.certPem, 'packet-up', httpVersion);

        it('streams the download: a few bytes echo back while the upload stays open, on a fresh connection', async () => {
          // A manager of its own: the first tunnel on a connection, with no other traffic to nudge nginx.
          const alone = new SessionManager();
          try {
            const connection = await openTunnel(destination(), settings(), { manager: alone });
            const duplex = connection.toDuplex();
            await interactiveEcho(duplex, 10_000);
            assert.equal(await connection.accepted, true);
            duplex.destroy();
          } finally {
            await alone.close();
          }
        });

        it('carries 1 MiB intact both ways', async () => {
          const connection = await openTunnel(destination(), settings(), { manager });
          const trip = await echoRoundTrip(connection.toDuplex(), BULK, 30_000);
          assert.equal(trip.receivedBytes, trip.sentBytes);
          assert.equal(trip.receivedSha256, trip.sentSha256);
          console.log(`      ${name}: 1 MiB echoed at ${throughput(trip)} MB/s each way`);
        });

        it(`carries ${TUNNELS} tunnels at once`, async () => {
          const trips = await inParallel(TUNNELS, TUNNELS, async () => {
            const connection = await openTunnel(destination(), settings(), { manager });
            return echoRoundTrip(connection.toDuplex(), 64 * 1024, 30_000);
          });
          for (const trip of trips) assert.equal(trip.receivedSha256, trip.sentSha256);
        });

        it('keeps a tunnel that stays silent past responseTimeoutMs, alone on its connection: it echoes afterwards', async () => {
          const responseTimeoutMs = 1_500;
          // A manager of its own: no other tunnel's traffic on the connection to nudge nginx.
          const alone = new SessionManager();
          try {
            const connection = await openTunnel(destination(), { ...settings(), responseTimeoutMs }, { manager: alone });
            const duplex = connection.toDuplex();
            duplex.on('error', () => undefined);
            await new Promise((resolve) => setTimeout(resolve, responseTimeoutMs + 1_000));
            assert.equal(connection.failure, undefined, `the silent tunnel failed: ${JSON.stringify(connection.failure)}`);
            await interactiveEcho(duplex, 10_000);
            duplex.destroy();
          } finally {
            await alone.close();
          }
        });

        it('fails the tunnel with the 404 of a wrong path, in bounded time, and nothing echoes', async () => {
          const connection = await openTunnel(destination(), { ...settings(), path: '/elsewhere/' }, { manager });
          const duplex = connection.toDuplex();
          let echoed = 0;
          duplex.on('data', (chunk: Buffer) => (echoed += chunk.length));
          duplex.on('error', () => undefined);
          duplex.write('must not arrive');
          const result = await Promise.race([connection.done, new Promise<'hang'>((resolve) => setTimeout(() => resolve('hang'), 15_000))]);
          assert.notEqual(result, 'hang', 'the tunnel to a wrong path neither failed nor closed');
          assert.ok(result !== 'hang' && E.isLeft(result), `ended without an error: ${JSON.stringify(result)}`);
          assert.equal(result.left.code, 'H2T_ERR_STATUS', JSON.stringify(result.left));
          assert.equal((result.left as { status?: number }).status, 404);
          assert.equal(await connection.accepted, false);
          assert.equal(echoed, 0);
        });
      });
    }
  }

  describe('Xray client -(h2)-> nginx -> our server', () => {
    let xray: GoPeerInstance;
    before(async () => {
      xray = await startXrayClient({
        serverPort: fronts.toOurs.port,
        xhttp: { mode: 'packet-up', host: HOST, path: PATH },
        tls: { serverName: HOST, caFile: fronts.files.certFile },
      });
      xrayClients.push(xray);
    });

    it('streams the download: a few bytes echo back while the upload stays open', async () => {
      const socket = connect(xray.port, '127.0.0.1');
      try {
        await interactiveEcho(socket, 10_000);
      } finally {
        socket.destroy();
      }
    });

    it('carries 1 MiB intact both ways', async () => {
      const trip = await tcpRoundTrip(xray.port, BULK, 30_000);
      assert.equal(trip.receivedBytes, trip.sentBytes);
      assert.equal(trip.receivedSha256, trip.sentSha256);
      console.log(`      Xray client -> nginx -> our server: 1 MiB echoed at ${throughput(trip)} MB/s each way`);
    });

    it(`carries ${TUNNELS} tunnels at once`, async () => {
      const trips = await inParallel(TUNNELS, TUNNELS, () => tcpRoundTrip(xray.port, 64 * 1024, 30_000));
      for (const trip of trips) assert.equal(trip.receivedSha256, trip.sentSha256);
    });
  });
});
