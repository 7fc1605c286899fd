import assert from 'node:assert/strict';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import type { XhttpMode } from '../../../src/settings/xhttp-settings.js';
import { requireBinary } from '../../helpers/binaries.js';
import { writeCertificateFiles, type CertificateFiles } from '../../helpers/cert-files.js';
import { testCertificate } from '../../helpers/certs.js';
import { startEchoTarget, type EchoTarget } from '../../helpers/echo-target.js';
import type { GoPeerInstance } from '../../helpers/go-peer.js';
import { startNginx, type NginxInstance } from '../../helpers/nginx.js';
import { printOutputOnFailure, tempDir, type TempDir } from '../../helpers/process.js';
import { startXrayClient, startXrayServer } from '../../helpers/xray.js';
import { echoRoundTrip, inParallel, tcpRoundTrip, throughput } from '../round-trip.js';

const HOST = 'tunnel.test';
const PATH = '/tun/';
const BULK = 1024 * 1024;
const TUNNELS = 10;

// XHTTP behind a buffering HTTP/1.1 proxy, as behind a CDN: Debian's nginx with the helper's config (TLS at
// nginx, `proxy_http_version 1.1`, the client's Host passed on, nginx's defaults otherwise: request bodies
// buffered whole, at most 1 MiB, responses buffered unless the origin says `X-Accel-Buffering: no`).
// packet-up is what passes: each POST is a small whole body, and the GET's download streams because both
// our server and Xray's answer it with `X-Accel-Buffering: no` — no `proxy_buffering off` is needed.
// stream-one cannot pass: nginx holds its streaming POST until the body ends, which it never does.
describe('interop: XHTTP packet-up through nginx (a buffering HTTP/1.1 proxy, as a CDN)', function () {
  this.timeout(60_000);
  let dir: TempDir;
  let files: CertificateFiles;
  let certPem: string;
  let echo: EchoTarget;
  let ours: TunnelServer;
  let xrayServer: GoPeerInstance;
  let toOurs: NginxInstance;
  let toXray: NginxInstance;
  const xrayClients: GoPeerInstance[] = [];
  const manager = new SessionManager();

  before(async function () {
    requireBinary(this, 'nginx');
    requireBinary(this, 'xray');
    dir = await tempDir('xhttp-nginx-');
    const cert = await testCertificate();
    certPem = cert.cert;
    files = await writeCertificateFiles(dir.path, cert);
    echo = await startEchoTarget();
    // Our server as the origin: cleartext (h2c: true also serves XHTTP's HTTP/1.1), echoing every tunnel.
    ours = await listen({ listen: '127.0.0.1:0', h2c: true, host: [HOST], path: PATH, xhttp: {} });
    ours.connections.subscribe((connection) => {
      const duplex = connection.toDuplex();
      duplex.on('error', () => undefined);
      duplex.pipe(duplex);
    });
    // Xray's server as the origin: cleartext HTTP/1.1, forwarding to the echo target.
    xrayServer = await startXrayServer({ forwardPort: echo.port, xhttp: { host: HOST, path: PATH, mode: 'auto' } });
    toOurs = await startNginx({ tls: files, originPort: (ours.address as AddressInfo).port });
    toXray = await startNginx({ tls: files, originPort: xrayServer.port });
  });
  afterEach(function () {
    printOutputOnFailure(this, {
      'nginx -> our server': toOurs,
      'nginx -> Xray server': toXray,
      'xray server': xrayServer,
      ...Object.fromEntries(xrayClients.map((client, index) => [`xray client ${index}`, client])),
    });
  });
  after(async () => {
    await manager.close();
    await Promise.all(xrayClients.map((client) => client.stop()));
    await Promise.all([toOurs?.stop(), toXray?.stop()]);
    await Promise.all([ours?.close(), xrayServer?.stop()]);
    await echo?.close();
    await dir?.remove();
  });

  /**
   * Our client dialing nginx with TLS, as a client dials a CDN, over HTTP/1.1 for packet-up: nginx 1.22's
   * HTTP/2 side holds a response's HEADERS until its first body byte, and our client waits for the
   * download's 200 before its first upload, so over h2 a tunnel whose target does not speak first never opens.
   */
  const settings = (mode: XhttpMode, extra: Partial<DialSettings> = {}): DialSettings => ({
    host: [HOST],
    path: PATH,
    tls: { ca: certPem, serverName: HOST },
    xhttp: mode === 'packet-up' ? { mode, httpVersion: '1.1' } : { mode },
    ...extra,
  });
  const throughNginx = (nginx: () => NginxInstance) => () => `127.0.0.1:${nginx().port}`;

  /** Writes a few bytes without ending the upload and waits for their echo: the download is not held back. */
  const interactiveEcho = (duplex: Duplex, withinMs: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const ping = Buffer.from('ping through nginx');
      let got = Buffer.alloc(0);
      const timer = setTimeout(
        () => reject(new Error(`${got.length} of ${ping.length} echoed bytes within ${withinMs} ms: the download is buffered`)),
        withinMs,
      );
      duplex.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      duplex.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (got.length < ping.length) return;
        clearTimeout(timer);
        assert.deepEqual(got, ping);
        resolve(Date.now() - started);
      });
      duplex.write(ping);
    });

  for (const { name, nginx } of [
    { name: 'our client -> nginx -> our server', nginx: () => toOurs },
    { name: 'our client -> nginx -> Xray server', nginx: () => toXray },
  ]) {
    describe(name, () => {
      const destination = throughNginx(nginx);

      it('streams the download: a few bytes echo back while the upload stays open', async () => {
        const connection = await openTunnel(destination(), settings('packet-up'), { manager });
        const duplex = connection.toDuplex();
        try {
          await interactiveEcho(duplex, 10_000);
        } finally {
          duplex.destroy();
        }
      });

      it('carries 1 MiB intact both ways', async () => {
        const connection = await openTunnel(destination(), settings('packet-up'), { manager });
        const trip = await echoRoundTrip(connection.toDuplex(), BULK, 30_000);
        assert.equal(trip.receivedBytes, trip.sentBytes);
        assert.equal(trip.receivedSha256, trip.sentSha256);
        console.log(`      ${name}: 1 MiB echoed at ${throughput(trip)} MB/s each way`);
      });

      it(`carries ${TUNNELS} tunnels at once`, async () => {
        const trips = await inParallel(TUNNELS, TUNNELS, async () => {
          const connection = await openTunnel(destination(), settings('packet-up'), { manager });
          return echoRoundTrip(connection.toDuplex(), 64 * 1024, 30_000);
        });
        for (const trip of trips) assert.equal(trip.receivedSha256, trip.sentSha256);
      });
    });
  }

  describe('Xray client -> nginx -> our server', () => {
    let xray: GoPeerInstance;
    before(async () => {
      xray = await startXrayClient({
        serverPort: toOurs.port,
        xhttp: { mode: 'packet-up', host: HOST, path: PATH },
        tls: { serverName: HOST, caFile: files.certFile },
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

  describe('stream-one through the same nginx', () => {
    const RESPONSE_TIMEOUT_MS = 3_000;

    it(`fails with a typed timeout within responseTimeoutMs (${RESPONSE_TIMEOUT_MS} ms), never a hang`, async () => {
      const started = Date.now();
      const error = await openTunnel(throughNginx(() => toOurs)(), settings('stream-one', { responseTimeoutMs: RESPONSE_TIMEOUT_MS }), { manager }).then(
        (connection) => {
          connection.toDuplex().destroy();
          throw new Error('stream-one opened a tunnel through a buffering proxy');
        },
        (failure: unknown) => failure as { code?: string; _tag?: string; ms?: number },
      );
      const elapsed = Date.now() - started;
      assert.equal(error.code, 'H2T_ERR_TIMEOUT', `got ${JSON.stringify(error)}`);
      assert.equal(error._tag, 'Timeout');
      assert.equal(error.ms, RESPONSE_TIMEOUT_MS);
      assert.ok(elapsed >= RESPONSE_TIMEOUT_MS - 50, `failed after ${elapsed} ms, before its deadline`);
      // Generous on a loaded CI machine: the bound is that it ends, not how promptly past its deadline.
      assert.ok(elapsed < RESPONSE_TIMEOUT_MS + 5_000, `failed only after ${elapsed} ms`);
    });
  });
});
