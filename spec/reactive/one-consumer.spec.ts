import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { openTunnel } from '../../src/client/open-tunnel.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { isUsageError } from '../../src/errors/error-guards.js';
import { listen, type TunnelServer } from '../../src/server/listen.js';
import type { AddressInfo } from 'node:net';

// Each tunnel goes to exactly one consumer: a second subscriber to connections would handle the same
// bytes twice ("ping" came back "pingping"), and a tunnel nobody takes must be refused before its 200.
describe('reactive: one consumer per tunnel on the server', function () {
  this.timeout(10_000);
  let server: TunnelServer;
  let manager: SessionManager;
  beforeEach(async () => {
    server = await listen({ listen: '127.0.0.1:0', h2c: true });
    manager = new SessionManager();
  });
  afterEach(async () => {
    await manager.close();
    await server.close();
  });
  const address = () => `127.0.0.1:${(server.address as AddressInfo).port}`;

  it('a second subscriber while one is active is refused with a UsageError; the first keeps every tunnel', async () => {
    server.connections.subscribe((c) => c.toDuplex().pipe(c.toDuplex()));
    let refused: unknown;
    server.connections.subscribe({ next: () => assert.fail('the second subscriber got a tunnel'), error: (e: unknown) => (refused = e) });
    assert.ok(isUsageError(refused), String(refused));
    const connection = await openTunnel(address(), { h2c: true }, { manager });
    await connection.write(Buffer.from('ping'));
    await connection.end();
    const chunks: Buffer[] = [];
    for await (const chunk of connection) chunks.push(chunk);
    assert.equal(Buffer.concat(chunks).toString(), 'ping');
  });

  it('after the first subscriber leaves, a new one may take over', async () => {
    server.connections.subscribe().unsubscribe();
    server.connections.subscribe((c) => c.toDuplex().pipe(c.toDuplex()));
    const connection = await openTunnel(address(), { h2c: true }, { manager });
    connection.close();
  });

  it('a tunnel nobody takes is answered 503, never 200 and then dropped', async () => {
    const session = connect(`http://${address()}`);
    try {
      const stream = session.request({ ':method': 'PUT', ':path': '/', host: 'tunnel.test' }, { endStream: false });
      const [status] = await Promise.all([new Promise<unknown>((resolve) => stream.once('response', (h) => resolve(h[':status'])))]);
      assert.equal(status, 503);
    } finally {
      session.destroy();
    }
  });
});
