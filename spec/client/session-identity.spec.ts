import assert from 'node:assert/strict';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { Connection } from '../../src/connection/connection.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

describe('SessionManager: sessions are keyed by destination and TLS identity', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let manager: SessionManager;
  const open: Connection[] = [];

  before(async () => (peer = await startServer({ host: ['tunnel.test'], path: '/tun' })));
  beforeEach(() => (manager = new SessionManager()));
  afterEach(async () => {
    open.splice(0).forEach((c) => c.close());
    await manager.close();
  });
  after(() => peer.close());

  it('opens one session per server name / insecure flag, and reuses each for equal settings', async () => {
    const variants = [
      dialSettingsFor(peer),
      dialSettingsFor(peer),
      dialSettingsFor(peer, { tls: { serverName: 'localhost', ca: peer.cert } }),
      dialSettingsFor(peer, { tls: { serverName: 'tunnel.test', allowInsecure: true } }),
    ];
    for (const settings of variants) open.push(await openTunnel(peer.address, settings, { manager }));
    assert.equal(manager.stats().sessions, 3);
    assert.equal(peer.server.stats().sessions, 3);
    assert.equal((open[0]?.toDuplex() as { session?: unknown }).session, (open[1]?.toDuplex() as { session?: unknown }).session);
  });
});
