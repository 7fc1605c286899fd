import assert from 'node:assert/strict';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { DialSettings } from '../../src/settings/settings.js';
import { isUnexpectedStatus } from '../../src/errors/error-guards.js';
import { requireBinary } from '../helpers/binaries.js';
import { writeCertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { startEchoTarget, type EchoTarget } from '../helpers/echo-target.js';
import { printOutputOnFailure, tempDir } from '../helpers/process.js';
import { startV2rayServer, type V2rayInstance } from '../helpers/v2ray.js';
import { dialError } from './fixtures/dial-error.js';
import { inParallel, throughput, tunnelRoundTrip } from './round-trip.js';

const HOSTS = ['tunnel.test', 'cdn.tunnel.test', 'www.tunnel.test'];
const PATH = '/tun/v2';

// Our client (library dial) against a real v2ray 4.34 server forwarding to a TCP echo target.
describe('interop: our client -> v2ray 4.34 server', function () {
  this.timeout(120_000);
  let echo: EchoTarget;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cert: string;
  const started: V2rayInstance[] = [];
  const managers: SessionManager[] = [];

  before(async function () {
    requireBinary(this, 'v2ray');
    echo = await startEchoTarget();
    dir = await tempDir('v2ray-server-');
    const pair = await testCertificate();
    cert = pair.cert;
    await writeCertificateFiles(dir.path, pair);
  });

  afterEach(function () {
    printOutputOnFailure(this, Object.fromEntries(started.map((instance, index) => [`v2ray server ${index}`, instance])));
  });

  after(async () => {
    await Promise.all(managers.map((manager) => manager.close()));
    await Promise.all(started.map((instance) => instance.stop()));
    await echo?.close();
    await dir?.remove();
  });

  const server = async (tls: boolean) => {
    const instance = await startV2rayServer({
      tls: tls ? { certFile: `${dir.path}/cert.pem`, keyFile: `${dir.path}/key.pem` } : undefined,
      host: HOSTS,
      path: PATH,
      forwardPort: echo.port,
    });
    started.push(instance);
    return instance;
  };
  const manager = () => {
    const created = new SessionManager();
    managers.push(created);
    return created;
  };
  const tlsSettings = (overrides: Partial<DialSettings> = {}): DialSettings => ({
    host: HOSTS,
    path: PATH,
    tls: { serverName: 'tunnel.test', ca: cert },
    ...overrides,
  });

  describe('with TLS', () => {
    let v2ray: V2rayInstance;
    before(async () => {
      v2ray = await server(true);
    });

    it('carries 32 MiB through one tunnel intact', async () => {
      const trip = await tunnelRoundTrip(dial(`127.0.0.1:${v2ray.port}`, tlsSettings(), { manager: manager() }), 32 * 1024 * 1024, 100_000);
      assert.equal(trip.receivedBytes, trip.sentBytes);
      assert.equal(trip.receivedSha256, trip.sentSha256);
      console.log(`      our client -> v2ray server (TLS): 32 MiB echoed at ${throughput(trip)} MB/s each way`);
    });

    it('carries 200 parallel tunnels intact, over few TCP connections', async () => {
      const shared = manager();
      let opened = 0;
      const counting = shared.events.subscribe((event) => (opened += event.type === 'opened' ? 1 : 0));
      const before = echo.accepted();
      const trips = await inParallel(200, 200, () => tunnelRoundTrip(dial(`127.0.0.1:${v2ray.port}`, tlsSettings(), { manager: shared }), 16 * 1024, 60_000));
      for (const trip of trips) assert.equal(trip.receivedSha256, trip.sentSha256);
      counting.unsubscribe();
      assert.equal(echo.accepted() - before, 200);
      // v2ray (Go) allows 250 streams per connection: 200 tunnels fit one session, a second at most.
      assert.ok(opened >= 1 && opened <= 2, `opened ${opened} sessions`);
    });

    it('answers a wrong path with a typed UnexpectedStatus 404', async () => {
      const error = await dialError(dial(`127.0.0.1:${v2ray.port}`, tlsSettings({ path: '/elsewhere' }), { manager: manager() }));
      assert.ok(isUnexpectedStatus(error), `expected UnexpectedStatus, got ${JSON.stringify(error)}`);
      assert.equal(error.status, 404);
      assert.equal(error.severity, 'warning');
    });

    it('answers a host outside its list with a typed UnexpectedStatus 404', async () => {
      const error = await dialError(dial(`127.0.0.1:${v2ray.port}`, tlsSettings({ host: ['stranger.test'] }), { manager: manager() }));
      assert.ok(isUnexpectedStatus(error), `expected UnexpectedStatus, got ${JSON.stringify(error)}`);
      assert.equal(error.status, 404);
    });
  });

  describe('h2c (v2ray without security)', () => {
    let v2ray: V2rayInstance;
    before(async () => {
      v2ray = await server(false);
    });

    it('carries bytes from our explicit-cleartext client', async () => {
      const trip = await tunnelRoundTrip(dial(`127.0.0.1:${v2ray.port}`, { host: HOSTS, path: PATH, h2c: true }, { manager: manager() }), 1024 * 1024);
      assert.equal(trip.receivedSha256, trip.sentSha256);
    });

    it('still rejects a wrong path with 404', async () => {
      const error = await dialError(dial(`127.0.0.1:${v2ray.port}`, { host: HOSTS, path: '/nope', h2c: true }, { manager: manager() }));
      assert.ok(isUnexpectedStatus(error));
      assert.equal(error.status, 404);
    });
  });
});
