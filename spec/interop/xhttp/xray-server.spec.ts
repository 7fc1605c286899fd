import assert from 'node:assert/strict';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import type { XhttpMode } from '../../../src/settings/xhttp-settings.js';
import { xhttpRefusal } from '../../helpers/xhttp-refusal.js';
import { requireBinary } from '../../helpers/binaries.js';
import { writeCertificateFiles, type CertificateFiles } from '../../helpers/cert-files.js';
import { testCertificate } from '../../helpers/certs.js';
import { startEchoTarget, type EchoTarget } from '../../helpers/echo-target.js';
import { printOutputOnFailure, tempDir, type TempDir } from '../../helpers/process.js';
import { startXrayServer } from '../../helpers/xray.js';
import type { GoPeerInstance } from '../../helpers/go-peer.js';
import { echoRoundTrip, inParallel, throughput } from '../round-trip.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';

const HOST = 'tunnel.test';
const PATH = '/tun/';
const BULK = 8 * 1024 * 1024;

// Our XHTTP client (dial with xhttp settings) against the real Xray server forwarding to an echo target.
describe('interop: our XHTTP client -> Xray server', function () {
  this.timeout(120_000);
  let dir: TempDir;
  let files: CertificateFiles;
  let echo: EchoTarget;
  let tlsServer: GoPeerInstance;
  let clearServer: GoPeerInstance;
  const manager = new SessionManager();

  before(async function () {
    requireBinary(this, 'xray');
    dir = await tempDir('xhttp-xray-server-');
    files = await writeCertificateFiles(dir.path, await testCertificate());
    echo = await startEchoTarget();
    const xhttp = { host: HOST, path: PATH, mode: 'auto' as const };
    tlsServer = await startXrayServer({ forwardPort: echo.port, xhttp, tls: files });
    clearServer = await startXrayServer({ forwardPort: echo.port, xhttp });
  });
  afterEach(function () {
    printOutputOnFailure(this, { 'xray tls server': tlsServer, 'xray cleartext server': clearServer });
  });
  after(async () => {
    await manager.close();
    await Promise.all([tlsServer?.stop(), clearServer?.stop()]);
    await echo?.close();
    await dir?.remove();
  });

  const cases: readonly { readonly name: string; readonly mode: XhttpMode; readonly wire: 'h2' | 'h2c' | 'h1' | 'h1-tls' }[] = [
    { name: 'stream-one over h2 (TLS)', mode: 'stream-one', wire: 'h2' },
    { name: 'stream-up over h2 (TLS)', mode: 'stream-up', wire: 'h2' },
    { name: 'packet-up over h2 (TLS)', mode: 'packet-up', wire: 'h2' },
    { name: 'packet-up over HTTP/1.1 (TLS)', mode: 'packet-up', wire: 'h1-tls' },
    { name: 'auto (packet-up) over cleartext HTTP/1.1', mode: 'auto', wire: 'h1' },
    { name: 'stream-up over cleartext HTTP/1.1', mode: 'stream-up', wire: 'h1' },
    { name: 'stream-one over h2c', mode: 'stream-one', wire: 'h2c' },
  ];

  for (const { name, mode, wire } of cases) {
    describe(name, () => {
      const secure = wire === 'h2' || wire === 'h1-tls';
      const settings = (path = PATH): DialSettings => {
        const base = { host: [HOST], path, xhttp: { mode, ...(wire === 'h1-tls' ? { httpVersion: '1.1' as const } : {}) } };
        if (secure) return { ...base, tls: { ca: certPem, serverName: HOST } };
        return wire === 'h2c' ? { ...base, h2c: true } : base;
      };
      let certPem: string;
      const destination = () => `127.0.0.1:${(secure ? tlsServer : clearServer).port}`;
      before(async () => {
        certPem = (await testCertificate()).cert;
      });

      it('carries 8 MiB intact both ways', async () => {
        const connection = await openTunnel(destination(), settings(), { manager });
        const trip = await echoRoundTrip(connection.toDuplex(), BULK, 60_000);
        assert.equal(trip.receivedBytes, trip.sentBytes);
        assert.equal(trip.receivedSha256, trip.sentSha256);
        console.log(`      our client (${name}) -> Xray server: 8 MiB echoed at ${throughput(trip)} MB/s each way`);
      });

      it('carries 50 tunnels at once', async () => {
        const trips = await inParallel(50, 50, async () => {
          const connection = await openTunnel(destination(), settings(), { manager });
          return echoRoundTrip(connection.toDuplex(), 64 * 1024, 60_000);
        });
        for (const trip of trips) assert.equal(trip.receivedSha256, trip.sentSha256);
      });

      it('fails with 404 on a wrong path', async () => {
        const error = await xhttpRefusal(destination(), settings('/elsewhere/'), manager);
        assert.equal(error.code, 'H2T_ERR_STATUS', JSON.stringify(error));
        assert.equal((error as { status?: number }).status, 404);
      });
    });
  }
});
