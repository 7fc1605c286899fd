import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startDelayLink, type DelayLink } from '../../bench/link/delay-link.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { Connection } from '../../src/connection/connection.js';
import { isSessionClosed, isTimeout } from '../../src/errors/error-guards.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

/** An h2c tunnel server that answers 200 and notes, per session, whether a request came before the client's SETTINGS ACK. */
async function orderServer(maxConcurrentStreams = 250) {
  const order: string[][] = [];
  const server = http2.createServer({ settings: { maxConcurrentStreams } });
  server.on('session', (session) => {
    const events: string[] = [];
    order.push(events);
    session.on('error', () => undefined);
    session.once('localSettings', () => events.push('settings-ack'));
    session.on('stream', (stream) => {
      events.push('stream');
      stream.on('error', () => undefined);
      stream.respond({ ':status': 200 });
      stream.pipe(stream);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, order };
}

describe('dial: a cold start', function () {
  this.timeout(20_000);
  let manager: SessionManager;
  let link: DelayLink | undefined;
  let close: (() => Promise<void>) | undefined;
  const open: Connection[] = [];

  beforeEach(() => (manager = new SessionManager()));
  afterEach(async () => {
    for (const connection of open.splice(0)) connection.close();
    await manager.close();
    await link?.close();
    await close?.();
    link = undefined;
    close = undefined;
  });

  const serve = async (maxConcurrentStreams?: number) => {
    const target = await orderServer(maxConcurrentStreams);
    close = () => new Promise((resolve) => target.server.close(() => resolve()));
    // 20 ms each way: the server's SETTINGS reach the client only after its first flight has left.
    link = await startDelayLink(target.port, { delayMs: 20 });
    return { address: `127.0.0.1:${link.port}`, order: target.order };
  };
  const tunnel = async (address: string) => {
    const connection = await openTunnel(address, { h2c: true, readIdleTimeoutMs: 0 }, { manager });
    open.push(connection);
    return connection;
  };

  it("sends its first request without waiting for the server's SETTINGS", async () => {
    const { address, order } = await serve();
    await tunnel(address);
    assert.deepEqual(order[0]?.slice(0, 2), ['stream', 'settings-ack']);
  });

  it('parallel dials share the one new session: the rest wait for its SETTINGS instead of opening more', async () => {
    const { address, order } = await serve();
    await Promise.all(Array.from({ length: 8 }, () => tunnel(address)));
    assert.equal(order.length, 1, `${order.length} sessions`);
    assert.equal(order[0]?.filter((e) => e === 'stream').length, 8);
  });

  it('a second session to a server admits what the first was allowed, before its own SETTINGS arrive', async () => {
    const { address, order } = await serve(2);
    await Promise.all(Array.from({ length: 4 }, () => tunnel(address)));
    assert.equal(order.length, 2, `${order.length} sessions`);
    // The first: one stream for a stranger, the second once its limit of 2 was known.
    assert.deepEqual(order[0]?.slice(0, 2), ['stream', 'settings-ack']);
    assert.deepEqual(order[1]?.slice(0, 3), ['stream', 'stream', 'settings-ack']);
  });

  it('a server that never sends SETTINGS fails every waiting dial with a typed error, after the connect timeout', async () => {
    const silent = net.createServer((socket) => socket.resume());
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    close = () => new Promise((resolve) => silent.close(() => resolve()));
    const address = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 3 }, () =>
        openTunnel(address, { h2c: true, readIdleTimeoutMs: 0, connectTimeoutMs: 500, responseTimeoutMs: 10_000 }, { manager }).then(
          () => 'opened',
          (e: unknown) => e,
        ),
      ),
    );
    for (const outcome of outcomes) assert.ok(isTimeout(outcome) || isSessionClosed(outcome), String(outcome));
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });
});
