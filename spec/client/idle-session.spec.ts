import assert from 'node:assert/strict';
import { SessionManager, type SessionEvent } from '../../src/client/pool/session-manager.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { eventually } from '../helpers/eventually.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

describe('SessionManager: idle sessions', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let manager: SessionManager;
  let events: SessionEvent[];

  before(async () => (peer = await startServer({ host: ['tunnel.test'], path: '/tun' })));
  beforeEach(() => {
    manager = new SessionManager({ idleTimeoutMs: 200 });
    events = [];
    manager.events.subscribe((e) => events.push(e));
  });
  afterEach(() => manager.close());
  after(() => peer.close());

  const roundTrip = async () => {
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    connection.close();
    await connection.done;
  };

  it('keeps a session while tunnels come and go, and closes it once idle; the next dial opens a new one', async () => {
    await roundTrip();
    await roundTrip();
    assert.equal(events.filter((e) => e.type === 'opened').length, 1, 'back-to-back tunnels share the session');
    await eventually(() => events.some((e) => e.type === 'closed'), 'the idle session to close');
    assert.deepEqual(manager.stats(), { sessions: 0, tunnels: 0, healthPings: 0, healthPingsFailed: 0 });
    await eventually(() => peer.server.stats().sessions === 0, 'the server to see it close');
    await roundTrip();
    assert.equal(events.filter((e) => e.type === 'opened').length, 2);
  });

  it('does not close a session that a tunnel holds, however long', async () => {
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(
      events.map((e) => e.type),
      ['opened'],
    );
    await connection.write(Buffer.from('still open'));
    connection.close();
    assert.equal((await connection.done)._tag, 'Right');
  });
});
