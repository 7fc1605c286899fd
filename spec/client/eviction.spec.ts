import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { Http2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { lastValueFrom, toArray } from 'rxjs';
import { SessionManager, type SessionEvent } from '../../src/client/pool/session-manager.js';
import type { DialSettings } from '../../src/settings/settings.js';
import { testCertificate } from '../helpers/certs.js';
import { dialSettingsFor, startServer } from '../helpers/in-process.js';
import { eventually } from '../helpers/eventually.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

describe('eviction: a session the server closes is dropped at once', function () {
  this.timeout(20_000);
  let manager: SessionManager;
  let events: SessionEvent[];

  beforeEach(() => {
    manager = new SessionManager();
    events = [];
    manager.events.subscribe((e) => events.push(e));
  });
  afterEach(() => manager.close());

  describe('GOAWAY from a plain HTTP/2 echo server', () => {
    let server: http2.Http2SecureServer;
    let sessions: http2.ServerHttp2Session[];
    let settings: DialSettings;
    let address: string;

    before(async () => {
      const { cert, key } = await testCertificate();
      server = http2.createSecureServer({ cert, key });
      server.on('session', (session) => sessions.push(session));
      server.on('stream', (stream) => {
        stream.on('error', () => undefined);
        stream.respond({ ':status': 200 });
        stream.pipe(stream);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      settings = { host: ['tunnel.test'], tls: { serverName: 'tunnel.test', ca: cert }, readIdleTimeoutMs: 0 };
    });
    beforeEach(() => (sessions = []));
    after(() => new Promise((resolve) => server.close(resolve)));

    it('evicts on GOAWAY while a tunnel is still open; the next dial opens a fresh session; the old tunnel finishes', async () => {
      const first = await openTunnel(address, settings, { manager });
      assert.equal(sessions.length, 1);
      // close() sends GOAWAY and waits for open streams: the first tunnel keeps working.
      sessions[0]?.close();
      await eventually(() => events.some((e) => e.type === 'evicted'), 'the eviction');
      const evicted = events.find((e) => e.type === 'evicted');
      assert.equal(evicted?.type === 'evicted' && evicted.reason._tag, 'SessionClosed');

      const second = await openTunnel(address, settings, { manager });
      assert.equal(sessions.length, 2, 'the next dial must open a new session');
      const opened = events.filter((e) => e.type === 'opened').map((e) => e.id);
      assert.equal(opened.length, 2);
      assert.notEqual(opened[0], opened[1]);

      for (const [connection, text] of [
        [first, 'still here'],
        [second, 'fresh'],
      ] as const) {
        const reply = lastValueFrom(connection.output.pipe(toArray()));
        connection.input.next(Buffer.from(text));
        connection.input.complete();
        assert.equal(Buffer.concat(await reply).toString(), text);
        assert.equal((await connection.done)._tag, 'Right');
      }
      await eventually(() => events.some((e) => e.type === 'closed'), 'the old session to close once drained');
    });

    it('a dial that finds its session already closing (no stream sent yet) goes to a fresh session instead of failing', async () => {
      const first = await openTunnel(address, settings, { manager });
      // Closed locally but still busy with the first tunnel: no 'close' event yet, so it is still cached.
      (first.toDuplex() as Http2Stream).session?.close();
      const second = await openTunnel(address, settings, { manager });
      assert.equal(sessions.length, 2, 'the second dial must open a new session');
      for (const connection of [first, second]) {
        const reply = lastValueFrom(connection.output.pipe(toArray()));
        connection.input.next(Buffer.from('ok'));
        connection.input.complete();
        assert.equal(Buffer.concat(await reply).toString(), 'ok');
      }
    });

    it('evicts when the server destroys the session, and the next dial opens a fresh one', async () => {
      const first = await openTunnel(address, settings, { manager });
      first.close();
      await first.done;
      sessions[0]?.destroy();
      await eventually(() => events.some((e) => e.type === 'closed'), 'the session to close');
      assert.equal(manager.stats().sessions, 0);
      const next = await openTunnel(address, settings, { manager });
      assert.equal(sessions.length, 2);
      next.close();
    });
  });

  it('evicts when our server shuts down (server.close), leaving the manager empty', async () => {
    const peer = await startServer({ host: ['tunnel.test'], path: '/tun' });
    try {
      const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
      await peer.close();
      assert.equal((await connection.done)._tag, 'Left');
      await eventually(() => manager.stats().sessions === 0, 'the manager to drop the session');
      assert.deepEqual(
        events.map((e) => e.type),
        ['opened', 'evicted', 'closed'],
      );
    } finally {
      await peer.close();
    }
  });
});
