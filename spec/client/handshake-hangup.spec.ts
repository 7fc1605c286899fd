import assert from 'node:assert/strict';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { DialSettings } from '../../src/settings/settings.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { isSessionClosed } from '../../src/errors/error-guards.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

describe('dial: a peer that accepts TCP and hangs up at once', function () {
  this.timeout(20_000);
  let server: net.Server;
  let port: number;
  let manager: SessionManager;

  before(async () => {
    // Reads (and drops) what the client sends, so the hang-up completes on both sides.
    server = net.createServer((socket) => socket.resume().end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => new Promise((resolve) => server.close(resolve)));

  const cases: [string, DialSettings][] = [
    ['TLS', { tls: { serverName: 'tunnel.test' } }],
    // No TLS handshake to fail: only the HTTP/2 session sees the socket close, and it reports no error.
    ['h2c', { h2c: true }],
  ];
  for (const [name, security] of cases) {
    it(`${name}: fails with SessionClosed instead of waiting for the connect timeout`, async () => {
      const error: unknown = await openTunnel(`127.0.0.1:${port}`, { ...security, readIdleTimeoutMs: 0 }, { manager }).then(
        () => assert.fail('dial succeeded'),
        (e: unknown) => e,
      );
      assert.ok(isSessionClosed(error), String(error));
      assert.equal(manager.stats().sessions, 0);
    });
  }
});
