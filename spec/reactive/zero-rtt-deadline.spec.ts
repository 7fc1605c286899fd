import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { dial } from '../../src/client/dial.js';
import { openTunnel } from '../../src/client/open-tunnel.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { Connection } from '../../src/connection/connection.js';
import { isTimeout } from '../../src/errors/error-guards.js';
import { eventually } from '../helpers/eventually.js';

/** An h2c server that takes every request and never answers it, recording how each stream closed. */
async function silentServer() {
  const closed: number[] = [];
  const server = http2.createServer();
  server.on('stream', (stream) => {
    stream.on('error', () => undefined);
    stream.resume();
    stream.once('close', () => closed.push(stream.rstCode));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, closed, close: () => new Promise((resolve) => server.close(resolve)) };
}

// A proxy that buffers request bodies answers nothing until the upload ends: with 0-RTT the tunnel is in
// the caller's hands by then, and must still fail after responseTimeoutMs, as a dial without 0-RTT does.
describe('reactive: 0-RTT keeps the response deadline', function () {
  this.timeout(10_000);
  let server: Awaited<ReturnType<typeof silentServer>>;
  let manager: SessionManager;
  before(async () => (server = await silentServer()));
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => server.close());

  const settings = { h2c: true, zeroRtt: true, responseTimeoutMs: 300, readIdleTimeoutMs: 0 } as const;

  // Each way of holding a 0-RTT connection: a live subscription, or detached.
  const holders: readonly (readonly [string, () => Promise<{ connection: Connection; release: () => void }>])[] = [
    [
      'held by a subscription',
      () =>
        new Promise((resolve) => {
          const subscription = dial(`127.0.0.1:${server.port}`, settings, { manager }).subscribe((connection) =>
            resolve({ connection, release: () => subscription.unsubscribe() }),
          );
        }),
    ],
    ['detached (openTunnel)', async () => ({ connection: await openTunnel(`127.0.0.1:${server.port}`, settings, { manager }), release: () => undefined })],
  ];

  for (const [how, hold] of holders) {
    it(`${how}: no answer within responseTimeoutMs fails the tunnel with Timeout and resets the peer's stream`, async () => {
      const before = server.closed.length;
      const { connection, release } = await hold();
      const started = Date.now();
      const result = await connection.done;
      release();
      assert.ok(result._tag === 'Left' && isTimeout(result.left), JSON.stringify(result));
      assert.ok(Date.now() - started < 2_000, `failed after ${Date.now() - started} ms`);
      await eventually(() => server.closed.length > before, "the server's stream to close", 2_000);
      assert.notEqual(server.closed[before], http2.constants.NGHTTP2_NO_ERROR, 'the peer saw a reset');
    });
  }
});
