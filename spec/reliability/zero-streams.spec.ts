import assert from 'node:assert/strict';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { openTunnel } from '../../src/client/open-tunnel.js';
import { isTransportError } from '../../src/errors/error-guards.js';
import { startFaultServer, type FaultServer } from '../../src/testing/index.js';

// A server that advertises SETTINGS_MAX_CONCURRENT_STREAMS = 0 takes no tunnel at all. v2ray's client
// makes one connection and fails; ours must not spill over to a new session per attempt, forever.
describe('reliability: a server that allows zero streams', function () {
  this.timeout(20_000);
  let server: FaultServer;
  let manager: SessionManager;
  before(async () => (server = await startFaultServer({ maxConcurrentStreams: 0 })));
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => server.close());

  const dialOnce = () =>
    openTunnel(server.address, { ...server.dialSettings, readIdleTimeoutMs: 0 }, { manager }).then(
      (connection) => {
        connection.close();
        return assert.fail('a tunnel opened on a server that allows none');
      },
      (error: unknown) => error,
    );

  it('a dial fails promptly with a typed error naming the limit, on one session', async () => {
    const before = server.stats().connections;
    const started = Date.now();
    const error = await dialOnce();
    assert.ok(isTransportError(error), String(error));
    assert.match(error.message, /no streams|MAX_CONCURRENT_STREAMS/);
    assert.ok(Date.now() - started < 3_000, `failed after ${Date.now() - started} ms`);
    assert.ok(server.stats().connections - before <= 1, `${server.stats().connections - before} connections for one dial`);
  });

  it('40 dials in a row hold a bounded number of sessions (a backoff, not one session each)', async () => {
    const before = server.stats().connections;
    for (let i = 0; i < 40; i++) await dialOnce();
    const opened = server.stats().connections - before;
    assert.ok(opened <= 3, `${opened} TCP connections for 40 dials`);
    assert.ok(manager.stats().sessions <= 1, `${manager.stats().sessions} sessions kept`);
  });
});
