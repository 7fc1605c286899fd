import assert from 'node:assert/strict';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { openTunnel } from '../../src/client/open-tunnel.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { isTransportError } from '../../src/errors/error-guards.js';
import { testCertificate } from '../helpers/certs.js';

describe('dial: a server that only speaks HTTP/1.1', function () {
  this.timeout(20_000);
  let server: https.Server;
  let port: number;
  let requests = 0;
  let manager: SessionManager;

  before(async () => {
    const { cert, key } = await testCertificate();
    server = https.createServer({ cert, key, ALPNProtocols: ['http/1.1'] }, (_req, res) => {
      requests++;
      res.end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails with AlpnMismatch, severity error, before any request is sent', async () => {
    const { cert } = await testCertificate();
    const error: unknown = await openTunnel(
      `127.0.0.1:${port}`,
      { host: ['tunnel.test'], tls: { serverName: 'tunnel.test', ca: cert }, readIdleTimeoutMs: 0 },
      { manager },
    ).then(
      () => assert.fail('dial succeeded'),
      (e: unknown) => e,
    );
    assert.ok(isTransportError(error));
    assert.equal(error._tag, 'AlpnMismatch');
    assert.equal(error.severity, 'error');
    // Node's HTTP/1.1-only server refuses an h2-only offer with alert 120 rather than choosing nothing.
    assert.equal(error.message, 'unexpected ALPN protocol (none); want h2');
    assert.equal(requests, 0);
    assert.equal(manager.stats().sessions, 0);
  });
});
