import { strict as assert } from 'node:assert';
import * as E from 'fp-ts/lib/Either.js';
import { isSessionClosed, isTimeout } from '../../src/errors/error-guards.js';
import { startFaultServer, type FaultServer } from '../../src/testing/index.js';
import { managerPerTest } from './support/manager-per-test.js';
import { openTunnel, roundTrip } from './support/tunnels.js';
import { eventually } from '../helpers/eventually.js';

// Small values: the defaults are 15 s / 15 s (src/config/settings.ts).
const FAST_HEALTH = { readIdleTimeoutMs: 300, healthCheckTimeoutMs: 500 };

describe('reliability: health checks against a peer that stops answering', function () {
  this.timeout(15_000);
  let server: FaultServer;
  const client = managerPerTest(() => server.close());
  beforeEach(async () => {
    server = await startFaultServer();
  });

  it('PINGs after read_idle_timeout, destroys the silent session, fails its tunnels with SessionClosed and evicts it', async () => {
    const settings = { ...server.dialSettings, ...FAST_HEALTH };
    const connection = await openTunnel(client.manager, server.address, settings);
    connection.output.subscribe({ error: () => undefined });
    await connection.write(Buffer.from('before'));
    server.goSilent();
    const silentAt = Date.now();
    const result = await connection.done;
    const detectedMs = Date.now() - silentAt;
    assert.ok(E.isLeft(result) && isSessionClosed(result.left), JSON.stringify(result));
    assert.match(result.left.message, /health check failed/);
    // Detection takes read-idle plus the PING deadline, give or take the watcher's tick.
    assert.ok(detectedMs >= 500, `detected after ${detectedMs} ms, before a PING could time out`);
    await eventually(() => client.events.some((e) => e.type === 'evicted'), 'the eviction', 2_000);
    const evicted = client.events.find((e) => e.type === 'evicted');
    assert.ok(evicted?.type === 'evicted' && isSessionClosed(evicted.reason));
    assert.ok(client.manager.stats().healthPings >= 1 && client.manager.stats().healthPingsFailed === 1, JSON.stringify(client.manager.stats()));
    console.log(`      silent peer detected after ${detectedMs} ms (read idle 300 ms + PING timeout 500 ms)`);
  });

  it('opens a fresh session for the next tunnel once the silent one is gone', async () => {
    const settings = { ...server.dialSettings, ...FAST_HEALTH };
    const first = await openTunnel(client.manager, server.address, settings);
    first.output.subscribe({ error: () => undefined });
    server.goSilent();
    await first.done;
    await server.close();
    server = await startFaultServer({ port: server.port, certificate: server.certificate });
    const second = await openTunnel(client.manager, server.address, settings);
    assert.equal((await roundTrip(second, Buffer.from('fresh'))).toString(), 'fresh');
    assert.equal(client.events.filter((e) => e.type === 'opened').length, 2);
    assert.equal(client.manager.stats().sessions, 1);
  });

  it('never queues a new tunnel forever on a session that does not answer', async () => {
    await server.close();
    server = await startFaultServer({ silentAfterStreams: 0 });
    // Health checks off: only the dial's own response deadline stands between the caller and a hang.
    const error = await openTunnel(client.manager, server.address, {
      ...server.dialSettings,
      readIdleTimeoutMs: 0,
      connectTimeoutMs: 500,
      responseTimeoutMs: 500,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isTimeout(error), String(error));
    // The session that swallowed the request is evicted, so the next dial does not queue behind it.
    await eventually(() => client.events.some((e) => e.type === 'evicted'), 'the eviction', 2_000);
  });

  it('keeps a quiet but healthy session: PINGs are answered and the tunnel survives', async () => {
    const settings = { ...server.dialSettings, ...FAST_HEALTH };
    const connection = await openTunnel(client.manager, server.address, settings);
    // Three read-idle periods of silence from both sides: each PING is answered.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    assert.equal((await roundTrip(connection, Buffer.from('still here'))).toString(), 'still here');
    assert.ok(E.isRight(await connection.done));
    assert.equal(client.events.filter((e) => e.type === 'evicted').length, 0);
    assert.ok(client.manager.stats().healthPings >= 1, 'the quiet session was PINGed');
    assert.equal(client.manager.stats().healthPingsFailed, 0);
  });
});
