import assert from 'node:assert/strict';
import type { ClientHttp2Stream } from 'node:http2';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { SessionManager, type SessionEvent } from '../../src/client/pool/session-manager.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

type Opened = Extract<SessionEvent, { type: 'opened' }>;

describe('SessionManager: a new session to a server seen before resumes TLS', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let manager: SessionManager;

  before(async () => (peer = await startServer({ host: ['tunnel.test'], path: '/tun' })));
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => peer.close());

  const openedEvents = (count: number) =>
    firstValueFrom(
      manager.events.pipe(
        filter((event): event is Opened => event.type === 'opened'),
        take(count),
        toArray(),
      ),
    );

  // Dials, waits for the tunnel's session to be gone from the manager, so the next dial must open another.
  const dialAndDropSession = async (settings = dialSettingsFor(peer)) => {
    const connection = await openTunnel(peer.address, settings, { manager });
    const session = (connection.toDuplex() as ClientHttp2Stream).session;
    const closed = new Promise((resolve) => session?.once('close', resolve));
    session?.destroy();
    await closed;
    await connection.done;
  };

  it('resumes the second session with the first one’s ticket, and the tunnel works', async () => {
    const opened = openedEvents(2);
    await dialAndDropSession();
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    const [first, second] = await opened;
    assert.equal(first?.resumed, false);
    assert.equal(second?.resumed, true);
    assert.notEqual(first?.id, second?.id);
    connection.close();
  });

  it('never resumes with disableSessionResumption (v2ray tlsSettings)', async () => {
    const settings = dialSettingsFor(peer, { tls: { serverName: 'tunnel.test', ca: peer.cert, disableSessionResumption: true } });
    const opened = openedEvents(2);
    await dialAndDropSession(settings);
    await dialAndDropSession(settings);
    const [first, second] = await opened;
    assert.equal(first?.resumed, false);
    assert.equal(second?.resumed, false);
  });

  it('never offers a ticket to another TLS identity (another server name)', async () => {
    const opened = openedEvents(2);
    await dialAndDropSession();
    await dialAndDropSession(dialSettingsFor(peer, { tls: { serverName: 'localhost', ca: peer.cert } }));
    const [first, second] = await opened;
    assert.equal(first?.resumed, false);
    assert.equal(second?.resumed, false);
  });
});
