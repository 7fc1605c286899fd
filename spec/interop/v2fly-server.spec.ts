import assert from 'node:assert/strict';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { DialSettings } from '../../src/settings/settings.js';
import { isUnexpectedStatus } from '../../src/errors/error-guards.js';
import { requireBinary } from '../helpers/binaries.js';
import { writeCertificateFiles, type CertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import type { GoPeerInstance } from '../helpers/go-peer.js';
import { startEchoTarget, type EchoTarget } from '../helpers/echo-target.js';
import { printOutputOnFailure, tempDir, type TempDir } from '../helpers/process.js';
import { startV2flyServer } from '../helpers/v2fly.js';
import { dialError } from './fixtures/dial-error.js';
import { inParallel, throughput, tunnelRoundTrip } from './round-trip.js';

const HOSTS = ['tunnel.test', 'cdn.tunnel.test'];
const PATH = '/tun/v5';
const MiB = 1024 * 1024;

// Our client (library dial) against a real v2fly v5.52.0 server (jsonv5, transport "h2") forwarding to a TCP echo target.
describe('interop: our client -> v2fly v5 server', function () {
  this.timeout(120_000);
  let echo: EchoTarget;
  let dir: TempDir;
  let files: CertificateFiles;
  let cert: string;
  const started: GoPeerInstance[] = [];
  const managers: SessionManager[] = [];

  before(async function () {
    requireBinary(this, 'v2fly');
    echo = await startEchoTarget();
    dir = await tempDir('v2fly-server-');
    const pair = await testCertificate();
    cert = pair.cert;
    files = await writeCertificateFiles(dir.path, pair);
  });

  afterEach(function () {
    printOutputOnFailure(this, Object.fromEntries(started.map((instance, index) => [`v2fly server ${index}`, instance])));
  });

  after(async () => {
    await Promise.all(managers.map((manager) => manager.close()));
    await Promise.all(started.map((instance) => instance.stop()));
    await echo?.close();
    await dir?.remove();
  });

  const server = async (tls: boolean) => {
    const instance = await startV2flyServer({ tls: tls ? files : undefined, host: HOSTS, path: PATH, forwardPort: echo.port });
    started.push(instance);
    return instance;
  };
  const manager = () => {
    const created = new SessionManager();
    managers.push(created);
    return created;
  };

  for (const security of ['TLS', 'h2c'] as const) {
    describe(security === 'TLS' ? 'with TLS' : 'h2c (the v5 server allows it; its client does not)', () => {
      let v2fly: GoPeerInstance;
      const settings = (overrides: Partial<DialSettings> = {}): DialSettings => ({
        host: HOSTS,
        path: PATH,
        ...(security === 'TLS' ? { tls: { serverName: 'tunnel.test', ca: cert } } : { h2c: true }),
        ...overrides,
      });
      before(async () => {
        v2fly = await server(security === 'TLS');
      });

      it('carries 8 MiB through one tunnel intact, both ways', async () => {
        const trip = await tunnelRoundTrip(dial(`127.0.0.1:${v2fly.port}`, settings(), { manager: manager() }), 8 * MiB);
        assert.equal(trip.receivedBytes, trip.sentBytes);
        assert.equal(trip.receivedSha256, trip.sentSha256);
        console.log(`      our client -> v2fly server (${security}): 8 MiB echoed at ${throughput(trip)} MB/s each way`);
      });

      it('carries 50 tunnels at once intact, on one session', async () => {
        const shared = manager();
        let opened = 0;
        const counting = shared.events.subscribe((event) => (opened += event.type === 'opened' ? 1 : 0));
        const before = echo.accepted();
        const trips = await inParallel(50, 50, () => tunnelRoundTrip(dial(`127.0.0.1:${v2fly.port}`, settings(), { manager: shared }), 64 * 1024));
        counting.unsubscribe();
        for (const trip of trips) assert.equal(trip.receivedSha256, trip.sentSha256);
        assert.equal(echo.accepted() - before, 50);
        // Go allows 250 streams per connection: 50 tunnels fit one session.
        assert.equal(opened, 1);
      });

      it('answers a host outside its list with a typed UnexpectedStatus 404, and the target sees nothing', async () => {
        const before = echo.accepted();
        const error = await dialError(dial(`127.0.0.1:${v2fly.port}`, settings({ host: ['stranger.test'] }), { manager: manager() }));
        assert.ok(isUnexpectedStatus(error), `expected UnexpectedStatus, got ${JSON.stringify(error)}`);
        assert.equal(error.status, 404);
        assert.equal(echo.accepted(), before);
      });

      it('answers a wrong path with 404', async () => {
        const error = await dialError(dial(`127.0.0.1:${v2fly.port}`, settings({ path: '/elsewhere' }), { manager: manager() }));
        assert.ok(isUnexpectedStatus(error), `expected UnexpectedStatus, got ${JSON.stringify(error)}`);
        assert.equal(error.status, 404);
      });
    });
  }
});
