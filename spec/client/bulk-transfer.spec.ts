import assert from 'node:assert/strict';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { exchange, randomPayload, type Digest } from './support/bytes.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

describe('client <-> server: 8 MiB through one tunnel over TLS', function () {
  this.timeout(60_000);
  const size = 8 * 1024 * 1024;
  const up = randomPayload(size);
  const down = randomPayload(size);
  let peer: InProcessServer;
  let manager: SessionManager;
  let serverReceived: Promise<Digest>;

  before(async () => {
    // The server sends its own payload while it reads ours, so each direction is checked on its own.
    let receivedBy: (digest: Promise<Digest>) => void = () => undefined;
    serverReceived = new Promise((resolve) => (receivedBy = (d) => resolve(d)));
    peer = await startServer({ host: ['tunnel.test'], path: '/tun' }, (connection) => receivedBy(exchange(connection, down.data)));
    manager = new SessionManager();
  });
  after(async () => {
    await manager.close();
    await peer.close();
  });

  it('arrives intact both ways (SHA-256 equal)', async () => {
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    const clientReceived = await exchange(connection, up.data);
    assert.deepEqual(clientReceived, down.digest, 'server -> client');
    assert.deepEqual(await serverReceived, up.digest, 'client -> server');
    const result = await connection.done;
    assert.equal(result._tag, 'Right', result._tag === 'Left' ? result.left.message : '');
  });
});
