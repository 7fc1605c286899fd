import assert from 'node:assert/strict';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, retry } from 'rxjs';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { isConnectFailed, isTransportError } from '../../src/errors/error-guards.js';
import { startFaultServer, type FaultServer } from '../../src/testing/fault-server.js';
import { openTunnel } from '../../src/client/open-tunnel.js';
import { detach } from '../../src/client/detach.js';

/** A port on 127.0.0.1 that nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('dial: connection refused, and composing with retry', function () {
  this.timeout(20_000);
  const settings = { host: ['tunnel.test'], tls: { serverName: 'tunnel.test' }, readIdleTimeoutMs: 0 };
  let manager: SessionManager;

  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());

  it('fails with ConnectFailed (warning) naming the address', async () => {
    const port = await closedPort();
    const error: unknown = await openTunnel(`127.0.0.1:${port}`, settings, { manager }).then(
      () => assert.fail('dial succeeded'),
      (e: unknown) => e,
    );
    assert.ok(isConnectFailed(error), String(error));
    assert.equal(error.severity, 'warning');
    assert.equal(error.address, `127.0.0.1:${port}`);
    assert.equal(manager.stats().sessions, 0);
  });

  it('retries with retry({ count: 2, delay: 50 }): three connection attempts, then the typed error', async () => {
    // Accepts TCP and hangs up at once: each attempt reaches the server and fails during the handshake.
    let attempts = 0;
    const server = net.createServer((socket) => {
      attempts++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error: unknown = await firstValueFrom(
        dial(`127.0.0.1:${port}`, settings, { manager }).pipe(retry({ count: 2, delay: 50 }), detach(), detach()),
      ).then(
        () => assert.fail('dial succeeded'),
        (e: unknown) => e,
      );
      assert.ok(isTransportError(error), String(error));
      assert.equal(attempts, 3);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe('against a server that answers 503 twice, then accepts', () => {
    let faulty: FaultServer;
    before(async () => (faulty = await startFaultServer({ failFirst: 2 })));
    after(() => faulty.close());

    it('succeeds on the third attempt', async () => {
      const connection = await firstValueFrom(
        dial(faulty.address, { ...faulty.dialSettings, readIdleTimeoutMs: 0 }, { manager }).pipe(retry({ count: 2, delay: 50 }), detach(), detach()),
      );
      connection.input.next(Buffer.from('ping'));
      connection.input.complete();
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => connection.output.subscribe({ next: (c) => chunks.push(c), error: reject, complete: resolve }));
      assert.equal(Buffer.concat(chunks).toString(), 'ping');
      assert.equal(faulty.stats().streams, 3);
    });
  });
});
