import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { testCertificate } from '../helpers/certs.js';
import { dialSettingsFor, startServer } from '../helpers/in-process.js';
import { eventually } from '../helpers/eventually.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

/** Open server-side sockets of `server`, counted from its 'connection' events. */
function trackSockets(server: net.Server): { open: () => number; accepted: () => number } {
  let open = 0;
  let accepted = 0;
  server.on('connection', (socket: net.Socket) => {
    open++;
    accepted++;
    socket.once('close', () => open--);
  });
  return { open: () => open, accepted: () => accepted };
}

/** Live TCP handles in this process (both ends of loopback connections count). */
const tcpHandles = (): number => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;

const listenLocal = (server: net.Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

const closeServer = (server: net.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('cancellation: unsubscribing a dial leaves nothing open', function () {
  this.timeout(20_000);
  let manager: SessionManager;

  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());

  it('before the session connects (the TLS handshake never answered)', async () => {
    // Takes the TCP connection and the ClientHello, and never answers.
    const server = net.createServer((socket) => socket.resume());
    const sockets = trackSockets(server);
    const port = await listenLocal(server);
    const baseline = tcpHandles();
    try {
      const cert = (await testCertificate()).cert;
      const subscription = dial(
        `127.0.0.1:${port}`,
        { host: ['tunnel.test'], tls: { serverName: 'tunnel.test', ca: cert }, readIdleTimeoutMs: 0 },
        { manager },
      ).subscribe({
        next: () => assert.fail('dial emitted'),
        error: (e: unknown) => assert.fail(`dial errored: ${String(e)}`),
      });
      await eventually(() => sockets.accepted() === 1, 'the TCP connection');
      subscription.unsubscribe();
      await eventually(() => sockets.open() === 0, 'the server side socket to close');
      await eventually(() => tcpHandles() <= baseline, 'every client socket handle to be released');
      await eventually(() => manager.stats().sessions === 0 && manager.stats().tunnels === 0, 'the manager to forget the session');
    } finally {
      await closeServer(server);
    }
  });

  it('while waiting for the response: the stream is reset, and the shared session is neither evicted nor closed', async () => {
    const { cert, key } = await testCertificate();
    const server = http2.createSecureServer({ cert, key });
    const sockets = trackSockets(server);
    let streamsOpen = 0;
    server.on('stream', (stream, headers) => {
      streamsOpen++;
      stream.on('error', () => undefined);
      stream.once('close', () => streamsOpen--);
      // Only /ok is answered; /slow never is.
      if (headers[':path'] === '/ok') stream.respond({ ':status': 200 }, { endStream: true });
    });
    const port = await listenLocal(server);
    const baseline = tcpHandles();
    const events: string[] = [];
    manager.events.subscribe((e) => events.push(e.type));
    const settings = { host: ['tunnel.test'], tls: { serverName: 'tunnel.test', ca: cert }, readIdleTimeoutMs: 0 };
    try {
      const subscription = dial(`127.0.0.1:${port}`, { ...settings, path: '/slow' }, { manager }).subscribe({
        next: () => assert.fail('dial emitted'),
        error: (e: unknown) => assert.fail(`dial errored: ${String(e)}`),
      });
      await eventually(() => streamsOpen === 1, 'the request to reach the server');
      subscription.unsubscribe();
      await eventually(() => streamsOpen === 0, 'the server side stream to close');
      await eventually(() => manager.stats().tunnels === 0, 'the stream slot to be released');
      // A tunnel the user cancelled says nothing about the session: the next dial reuses it.
      assert.deepEqual(events, ['opened']);
      const next = await openTunnel(`127.0.0.1:${port}`, { ...settings, path: '/ok' }, { manager });
      next.close();
      assert.equal(sockets.accepted(), 1, 'the next dial must reuse the session');
      // The session itself stays for later dials, until the manager closes.
      await manager.close();
      await eventually(() => sockets.open() === 0, 'the server side socket to close');
      await eventually(() => tcpHandles() <= baseline, 'every client socket handle to be released');
    } finally {
      await closeServer(server);
    }
  });

  it('closing the manager ends open tunnels with a typed error and closes every session', async () => {
    const peer = await startServer({ host: ['tunnel.test'], path: '/tun' });
    try {
      const connections = await Promise.all([1, 2, 3].map(() => openTunnel(peer.address, dialSettingsFor(peer), { manager })));
      assert.equal(peer.server.stats().sessions, 1);
      await manager.close();
      for (const connection of connections) {
        const result = await connection.done;
        assert.ok(result._tag === 'Left', 'a tunnel cut by close() must not look complete');
        assert.equal(result.left._tag, 'SessionClosed');
      }
      assert.deepEqual(manager.stats(), { sessions: 0, tunnels: 0, healthPings: 0, healthPingsFailed: 0 });
      await eventually(() => peer.server.stats().sessions === 0, 'the server to see the session close');
      const late: unknown = await openTunnel(peer.address, dialSettingsFor(peer), { manager }).catch((e: unknown) => e);
      assert.equal((late as { _tag?: string })._tag, 'SessionClosed');
    } finally {
      await peer.close();
    }
  });
});
