import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { filter, firstValueFrom, take, timeout } from 'rxjs';
import { dial } from '../../src/client/dial.js';
import { SessionManager, type SessionEvent } from '../../src/client/pool/session-manager.js';
import type { DialSettings } from '../../src/settings/settings.js';
import { requireBinary } from '../helpers/binaries.js';
import { writeCertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { startEchoTarget, type EchoTarget } from '../helpers/echo-target.js';
import { startHaproxy, type HaproxyInstance } from '../helpers/haproxy.js';
import { printOutputOnFailure, tempDir } from '../helpers/process.js';
import { startTunnelServerProcess, type TunnelServerProcess } from './fixtures/start-tunnel-server.js';
import { echoRoundTrip, tunnelRoundTrip } from './round-trip.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

const HOSTS = ['tunnel.test'];
const PATH = '/tun';

// Scaling out: HAProxy in TCP mode (TLS passes through) spreading HTTP/2 sessions over two separate
// h2tunnel server processes, each forwarding to its own echo target so we can tell where tunnels land.
describe('interop: HAProxy in TCP mode in front of two tunnel server processes', function () {
  this.timeout(120_000);
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cert: string;
  let haproxy: HaproxyInstance;
  const echoes: EchoTarget[] = [];
  const backends: TunnelServerProcess[] = [];
  const managers: SessionManager[] = [];

  before(async function () {
    requireBinary(this, 'haproxy');
    dir = await tempDir('haproxy-spec-');
    const pair = await testCertificate();
    cert = pair.cert;
    const files = await writeCertificateFiles(dir.path, pair);
    echoes.push(await startEchoTarget(), await startEchoTarget());
    backends.push(...(await Promise.all(echoes.map((echo) => startTunnelServerProcess({ forwardPort: echo.port, host: HOSTS, path: PATH, ...files })))));
    haproxy = await startHaproxy({ backendPorts: backends.map((backend) => backend.port) });
  });

  afterEach(function () {
    printOutputOnFailure(this, { haproxy, backend1: backends[0]?.process, backend2: backends[1]?.process });
  });

  after(async () => {
    await Promise.all(managers.map((manager) => manager.close()));
    await haproxy?.stop();
    await Promise.all(backends.map((backend) => backend.stop()));
    await Promise.all(echoes.map((echo) => echo.close()));
    await dir?.remove();
  });

  const settings = (): DialSettings => ({ host: HOSTS, path: PATH, tls: { serverName: 'tunnel.test', ca: cert } });
  const newManager = () => {
    const manager = new SessionManager();
    managers.push(manager);
    return manager;
  };
  const destination = () => `127.0.0.1:${haproxy.port}`;
  const counts = () => echoes.map((echo) => echo.accepted());

  it('lands sessions on both backends', async () => {
    const before = counts();
    // Each manager opens its own session, so each is one TCP connection HAProxy balances.
    for (let i = 0; i < 4; i++) {
      const trip = await tunnelRoundTrip(dial(destination(), settings(), { manager: newManager() }), 64 * 1024);
      assert.equal(trip.receivedSha256, trip.sentSha256);
    }
    const landed = counts().map((count, index) => count - (before[index] ?? 0));
    assert.equal(
      landed.reduce((a, b) => a + b, 0),
      4,
    );
    assert.ok(
      landed.every((count) => count >= 1),
      `tunnels per backend: ${landed.join(', ')}`,
    );
  });

  it('evicts the session of a killed backend; new tunnels go through the other within seconds', async () => {
    const manager = newManager();
    const events: SessionEvent[] = [];
    manager.events.subscribe((event) => events.push(event));

    // One tunnel held open on whichever backend HAProxy picked.
    const before = counts();
    const open = await openTunnel(destination(), settings(), { manager });
    const probe = open.toDuplex();
    probe.write(Buffer.from('ping'));
    await new Promise<void>((resolve) => probe.once('data', () => resolve()));
    const victim = counts().findIndex((count, index) => count > (before[index] ?? 0));
    assert.ok(victim >= 0, 'the held tunnel reached an echo target');
    const survivor = 1 - victim;
    const firstSession = events.find((event) => event.type === 'opened');
    assert.ok(firstSession !== undefined);

    const evicted = firstValueFrom(
      manager.events.pipe(
        filter((event) => event.type !== 'opened' && event.id === firstSession.id),
        take(1),
        timeout(10_000),
      ),
    );
    await backends[victim]?.crash();
    probe.on('error', () => undefined);

    // The tunnel that lived on the dead backend fails, typed; the session leaves the cache.
    const result = await open.done;
    assert.ok(E.isLeft(result), 'a tunnel cut by a crashed backend must not look complete');
    await evicted;

    // New tunnels reach the survivor; HAProxy's health check needs a moment to mark the backend down,
    // and until then a connection may still be routed to it and fail, so retry within a deadline.
    const survivorBefore = echoes[survivor]?.accepted() ?? 0;
    const deadline = Date.now() + 10_000;
    let lastError: unknown;
    let succeeded = 0;
    while (succeeded < 3 && Date.now() < deadline) {
      try {
        const connection = await openTunnel(destination(), { ...settings(), connectTimeoutMs: 2_000, responseTimeoutMs: 2_000 }, { manager });
        const trip = await echoRoundTrip(connection.toDuplex(), 32 * 1024, 5_000).finally(() => connection.close());
        assert.equal(trip.receivedSha256, trip.sentSha256);
        succeeded += 1;
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    assert.equal(succeeded, 3, `tunnels after the crash failed until the deadline: ${String(lastError)}\n${haproxy.output()}`);
    assert.ok((echoes[survivor]?.accepted() ?? 0) - survivorBefore >= 3, 'the new tunnels went through the surviving backend');
    assert.ok(events.filter((event) => event.type === 'opened').length >= 2, 'a fresh session was opened');
  });
});
