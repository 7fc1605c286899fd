import assert from 'node:assert/strict';
import { requireBinary } from '../helpers/binaries.js';
import { writeCertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { startEchoTarget, type EchoTarget } from '../helpers/echo-target.js';
import { printOutputOnFailure, tempDir } from '../helpers/process.js';
import { startV2rayClient, startV2rayServer, type V2rayInstance } from '../helpers/v2ray.js';
import { tcpRoundTrip, throughput } from './round-trip.js';

// v2ray talking to itself: checks the helpers' configs are right, and prints the reference throughput
// our own ends are compared with (only figures from the same run on the same machine mean anything).
describe('interop: reference v2ray 4.34 client -> v2ray 4.34 server', function () {
  this.timeout(120_000);
  let echo: EchoTarget;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: V2rayInstance | undefined;
  let client: V2rayInstance | undefined;

  before(async function () {
    requireBinary(this, 'v2ray');
    echo = await startEchoTarget();
    dir = await tempDir('v2ray-chain-');
    const files = await writeCertificateFiles(dir.path, await testCertificate());
    server = await startV2rayServer({ tls: files, host: ['tunnel.test'], path: '/tun', forwardPort: echo.port });
    client = await startV2rayClient({ serverPort: server.port, host: ['tunnel.test'], path: '/tun', tls: { serverName: 'tunnel.test', allowInsecure: true } });
  });

  afterEach(function () {
    printOutputOnFailure(this, { server, client });
  });

  after(async () => {
    await client?.stop();
    await server?.stop();
    await echo?.close();
    await dir?.remove();
  });

  it('carries 32 MiB through one tunnel intact', async () => {
    const trip = await tcpRoundTrip(client!.port, 32 * 1024 * 1024, 100_000);
    assert.equal(trip.receivedSha256, trip.sentSha256);
    console.log(`      v2ray client -> v2ray server (TLS), reference: 32 MiB echoed at ${throughput(trip)} MB/s each way`);
  });
});
