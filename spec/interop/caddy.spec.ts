import assert from 'node:assert/strict';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { DialSettings } from '../../src/settings/settings.js';
import type { ConnectionInfo } from '../../src/connection/connection.js';
import { isUnexpectedStatus } from '../../src/errors/error-guards.js';
import { listen, type TunnelServer } from '../../src/server/listen.js';
import { requireBinary } from '../helpers/binaries.js';
import { startCaddy, type CaddyInstance } from '../helpers/caddy.js';
import { writeCertificateFiles, type CertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { printOutputOnFailure, tempDir } from '../helpers/process.js';
import { startV2rayClient, type V2rayInstance } from '../helpers/v2ray.js';
import { inParallel, tcpRoundTrip, throughput, tunnelRoundTrip } from './round-trip.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

const HOSTS = ['tunnel.test', 'cdn.tunnel.test'];
const PATH = '/tun/v2';

// The recommended deployment: Caddy terminates TLS at the edge, our server speaks h2c behind it.
describe('interop: our h2c server behind Caddy terminating TLS', function () {
  this.timeout(120_000);
  let server: TunnelServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let files: CertificateFiles;
  let cert: string;
  let caddy: CaddyInstance;
  let trustingCaddy: CaddyInstance;
  let v2ray: V2rayInstance | undefined;
  const manager = new SessionManager();
  const seen: ConnectionInfo[] = [];

  before(async function () {
    requireBinary(this, 'caddy');
    requireBinary(this, 'v2ray');
    dir = await tempDir('caddy-spec-');
    const pair = await testCertificate();
    cert = pair.cert;
    files = await writeCertificateFiles(dir.path, pair);
    // Caddy, on loopback, is the one proxy whose X-Forwarded-For the server believes.
    server = await listen({ listen: '127.0.0.1:0', h2c: true, host: HOSTS, path: PATH, trustForwardedFor: ['127.0.0.1'] });
    server.connections.subscribe((connection) => {
      seen.push(connection.info);
      const duplex = connection.toDuplex();
      duplex.pipe(duplex);
    });
    const upstreamPort = typeof server.address === 'string' ? 0 : server.address.port;
    caddy = await startCaddy({ tls: files, upstreamPort });
    trustingCaddy = await startCaddy({ tls: files, upstreamPort, trustedProxies: '127.0.0.0/8' });
  });

  afterEach(function () {
    printOutputOnFailure(this, { caddy, trustingCaddy, v2ray });
  });

  after(async () => {
    await manager.close();
    await v2ray?.stop();
    await caddy?.stop();
    await trustingCaddy?.stop();
    await server?.close();
    await dir?.remove();
  });

  const settings = (overrides: Partial<DialSettings> = {}): DialSettings => ({
    host: HOSTS,
    path: PATH,
    tls: { serverName: 'tunnel.test', ca: cert },
    ...overrides,
  });

  it('carries 8 MiB from our TLS client through Caddy intact; the server sees the client via X-Forwarded-For', async () => {
    seen.length = 0;
    const trip = await tunnelRoundTrip(dial(`127.0.0.1:${caddy.port}`, settings(), { manager }), 8 * 1024 * 1024, 100_000);
    assert.equal(trip.receivedSha256, trip.sentSha256);
    console.log(`      our client -> Caddy (TLS) -> our h2c server: 8 MiB echoed at ${throughput(trip)} MB/s each way`);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.remoteAddress, '127.0.0.1');
    assert.ok(HOSTS.includes(seen[0]?.authority ?? ''), 'Caddy passes the Host through unchanged');
  });

  it('replaces a client-supplied X-Forwarded-For (Caddy does not trust the client), so it cannot be spoofed', async () => {
    seen.length = 0;
    const trip = await tunnelRoundTrip(dial(`127.0.0.1:${caddy.port}`, settings({ headers: { 'x-forwarded-for': '203.0.113.7' } }), { manager }), 1024);
    assert.equal(trip.receivedSha256, trip.sentSha256);
    assert.equal(seen[0]?.remoteAddress, '127.0.0.1');
  });

  it('takes the first X-Forwarded-For entry when Caddy trusts the hop before it', async () => {
    seen.length = 0;
    const trip = await tunnelRoundTrip(dial(`127.0.0.1:${trustingCaddy.port}`, settings({ headers: { 'x-forwarded-for': '203.0.113.7' } }), { manager }), 1024);
    assert.equal(trip.receivedSha256, trip.sentSha256);
    assert.equal(seen[0]?.remoteAddress, '203.0.113.7');
  });

  it('passes our server 404 for a wrong path back as a typed UnexpectedStatus', async () => {
    try {
      (await openTunnel(`127.0.0.1:${caddy.port}`, settings({ path: '/elsewhere' }), { manager })).close();
      assert.fail('the dial should have been rejected');
    } catch (error) {
      assert.ok(isUnexpectedStatus(error), String(error));
      assert.equal(error.status, 404);
    }
  });

  it('carries a v2ray 4.34 client (TLS to Caddy) intact: one 8 MiB tunnel and 50 parallel ones', async () => {
    v2ray = await startV2rayClient({ serverPort: caddy.port, host: HOSTS, path: PATH, tls: { serverName: 'tunnel.test', allowInsecure: true } });
    seen.length = 0;
    const big = await tcpRoundTrip(v2ray.port, 8 * 1024 * 1024, 100_000);
    assert.equal(big.receivedSha256, big.sentSha256);
    const small = await inParallel(50, 50, () => tcpRoundTrip(v2ray!.port, 8 * 1024, 60_000));
    for (const trip of small) assert.equal(trip.receivedSha256, trip.sentSha256);
    assert.equal(seen.length, 51);
    for (const info of seen) assert.equal(info.remoteAddress, '127.0.0.1');
  });
});
