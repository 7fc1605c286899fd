import assert from 'node:assert/strict';
import { lastValueFrom } from 'rxjs';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { Connection } from '../../src/connection/connection.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { digestOf, pieces, randomPayload } from './support/bytes.js';
import { eventually } from '../helpers/eventually.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

describe('Connection.send of an iterable with a peer that does not read', function () {
  this.timeout(60_000);
  let peer: InProcessServer;
  let manager: SessionManager;

  beforeEach(async () => {
    // The server takes the tunnel but reads nothing until the test says so.
    peer = await startServer({ host: ['tunnel.test'], path: '/tun' }, () => undefined);
    manager = new SessionManager();
  });
  afterEach(async () => {
    await manager.close();
    await peer.close();
  });

  it('waits for drain instead of buffering everything, then delivers it all once the peer reads', async () => {
    // Far more than the peer's stream window (4 MiB) plus Node's buffers.
    const { data, digest } = randomPayload(48 * 1024 * 1024);
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    let sent = false;
    const sending = lastValueFrom(connection.send(pieces(data)), { defaultValue: undefined }).then(() => (sent = true));
    await eventually(() => peer.accepted.length === 1, 'the server to accept the tunnel');
    const duplex = connection.toDuplex();
    // Let the writer fill the window and stop.
    let last = -1;
    await eventually(
      () => {
        const buffered = duplex.writableLength;
        const settled = buffered === last && buffered > 0;
        last = buffered;
        return settled;
      },
      'the writer to stall',
      20_000,
    );
    assert.equal(sent, false, 'send completed although the peer read nothing');
    // Without backpressure all 48 MiB would sit in the stream's write buffer.
    assert.ok(duplex.writableLength <= 4 * 1024 * 1024, `write buffer holds ${duplex.writableLength} bytes`);

    const server = peer.accepted[0] as Connection;
    const received = digestOf(server.output);
    await sending;
    assert.deepEqual(await received, digest);
  });
});
