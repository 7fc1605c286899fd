import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { registerClientMetrics, registerServerMetrics } from '../../src/metrics/index.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { tunnelRoundTrip } from '../interop/round-trip.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

/** The value of one series of `registry`, 0 when it has none. */
async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric !== undefined, `${name} is not registered`);
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([key, label]) => String((v.labels as Record<string, unknown>)[key]) === label));
  return match?.value ?? 0;
}

// Library users register our metrics on their own registry, for their own manager and server.
describe('registerClientMetrics / registerServerMetrics', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let manager: SessionManager;
  let registry: Registry;
  const stops: (() => void)[] = [];

  beforeEach(async () => {
    registry = new Registry();
    peer = await startServer({ host: ['tunnel.test'], path: '/tun' });
    manager = new SessionManager();
    const server = registerServerMetrics(peer.server, { registry });
    stops.push(registerClientMetrics(manager, { registry }), () => server.stop());
  });
  afterEach(async () => {
    stops.splice(0).forEach((stop) => stop());
    await manager.close();
    await peer.close();
  });

  it('counts opened and ended tunnels, their open times and the session, for the client', async () => {
    for (let i = 0; i < 3; i++) {
      const trip = await tunnelRoundTrip(dial(peer.address, dialSettingsFor(peer), { manager }), 4096);
      assert.equal(trip.receivedSha256, trip.sentSha256);
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await value(registry, 'h2tunnel_tunnel_opens_total', { role: 'client', result: 'ok' }), 3);
    assert.equal(await value(registry, 'h2tunnel_tunnels_ended_total', { role: 'client', result: 'ok' }), 3);
    assert.equal(await value(registry, 'h2tunnel_sessions_opened_total', { role: 'client' }), 1);
    assert.equal(await value(registry, 'h2tunnel_sessions_open', { role: 'client' }), 1);
    assert.equal(await value(registry, 'h2tunnel_tls_handshakes_total', { role: 'client', resumed: 'false' }), 1);
    const text = await registry.metrics();
    assert.match(text, /h2tunnel_tunnel_open_seconds_count\{role="client"\} 3/);
  });

  it('counts a refused dial by its error code, and the server counts the rejection by status and reason', async () => {
    const error: unknown = await openTunnel(peer.address, dialSettingsFor(peer, { path: '/elsewhere' }), { manager }).catch((e: unknown) => e);
    assert.equal((error as { code?: string }).code, 'H2T_ERR_STATUS');
    assert.equal(await value(registry, 'h2tunnel_tunnel_opens_total', { role: 'client', result: 'H2T_ERR_STATUS' }), 1);
    assert.equal(await value(registry, 'h2tunnel_server_rejections_total', { status: '404', reason: 'path' }), 1);
  });

  it('counts an evicted session by its reason', async () => {
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    await peer.close();
    await connection.done;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = await registry.metrics();
    assert.match(text, /h2tunnel_sessions_evicted_total\{role="client",reason="(goaway|closed|error)"\} 1/);
  });

  it('counts a session retired by its reuse limits (XMUX) as reason reuse_limit, once, though it closes later', async () => {
    const settings = dialSettingsFor(peer, { xmux: { maxReuseTimes: 1 } });
    for (let i = 0; i < 2; i++) {
      const trip = await tunnelRoundTrip(dial(peer.address, settings, { manager }), 1024);
      assert.equal(trip.receivedSha256, trip.sentSha256);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await value(registry, 'h2tunnel_sessions_evicted_total', { role: 'client', reason: 'reuse_limit' }), 1);
    assert.equal(await value(registry, 'h2tunnel_sessions_opened_total', { role: 'client' }), 2);
    const text = await registry.metrics();
    assert.doesNotMatch(text, /h2tunnel_sessions_evicted_total\{role="client",reason="(?!reuse_limit)/);
  });

  it('shares one set of metrics between several managers on one registry, and stops counting when told', async () => {
    const other = new SessionManager();
    const stop = registerClientMetrics(other, { registry });
    const trip = await tunnelRoundTrip(dial(peer.address, dialSettingsFor(peer), { manager: other }), 1024);
    assert.equal(trip.receivedSha256, trip.sentSha256);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await value(registry, 'h2tunnel_tunnel_opens_total', { role: 'client', result: 'ok' }), 1);
    stop();
    await tunnelRoundTrip(dial(peer.address, dialSettingsFor(peer), { manager: other }), 1024);
    assert.equal(await value(registry, 'h2tunnel_tunnel_opens_total', { role: 'client', result: 'ok' }), 1);
    await other.close();
  });

  it('a manager nobody measures does not report its tunnels', () => {
    assert.equal(new SessionManager().reportsTunnels, false);
    assert.equal(manager.reportsTunnels, true);
  });
});
