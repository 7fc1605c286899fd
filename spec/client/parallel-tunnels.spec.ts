import assert from 'node:assert/strict';
import { SessionManager, type SessionEvent } from '../../src/client/pool/session-manager.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { exchange, randomPayload } from './support/bytes.js';
import { eventually } from '../helpers/eventually.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

describe('client <-> server: 100 parallel tunnels', function () {
  this.timeout(60_000);
  let peer: InProcessServer;
  let manager: SessionManager;
  let managerEvents: SessionEvent[];

  beforeEach(async () => {
    peer = await startServer({ host: ['tunnel.test'], path: '/tun' });
    manager = new SessionManager();
    managerEvents = [];
    manager.events.subscribe((event) => managerEvents.push(event));
  });
  afterEach(async () => {
    await manager.close();
    await peer.close();
  });

  it('carries each tunnel its own payload intact, all on ONE TCP connection', async () => {
    const payloads = Array.from({ length: 100 }, (_, i) => randomPayload(16 * 1024 + i * 997));
    const settings = dialSettingsFor(peer);
    const digests = await Promise.all(
      payloads.map(async ({ data }) => {
        const connection = await openTunnel(peer.address, settings, { manager });
        return exchange(connection, data);
      }),
    );
    digests.forEach((digest, i) => assert.deepEqual(digest, payloads[i]?.digest, `tunnel ${i}`));
    assert.equal(peer.accepted.length, 100);
    assert.equal(peer.events.filter((e) => e.type === 'session-opened').length, 1, 'server sessions opened');
    assert.equal(peer.server.stats().sessions, 1);
    assert.deepEqual(
      managerEvents.map((e) => e.type),
      ['opened'],
    );
    assert.equal(manager.stats().sessions, 1);
    await eventually(() => peer.server.stats().tunnels === 0 && manager.stats().tunnels === 0, 'every tunnel to close');
  });
});
