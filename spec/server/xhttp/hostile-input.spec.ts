import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Connection } from '../../../src/connection/connection.js';
import type { ServerEvent } from '../../../src/server/server-events.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import type { XhttpServerSettings } from '../../../src/settings/xhttp-settings.js';
import { eventually } from '../../helpers/eventually.js';
import { readBytes, referer, xhttpRequest } from './support/raw-xhttp.js';
import { liveHeap } from '../../helpers/live-heap.js';

// What the XHTTP server does with requests no honest client sends: typed refusals, bounded memory, and
// no tunnel (so no forward connection) for anything refused.
describe('XHTTP server: hostile input', function () {
  this.timeout(30_000);
  let server: TunnelServer;
  let client: http2.ClientHttp2Session;
  const tunnels: Connection[] = [];
  const rejected: Extract<ServerEvent, { type: 'rejected' }>[] = [];

  const start = async (xhttp: XhttpServerSettings) => {
    server = await listen({ listen: '127.0.0.1:0', h2c: true, host: ['tunnel.test'], path: '/tun/', maxConcurrentStreams: 2_000, xhttp });
    server.connections.subscribe((connection) => {
      tunnels.push(connection);
      const duplex = connection.toDuplex();
      duplex.on('error', () => undefined);
      duplex.pipe(duplex);
    });
    server.events.subscribe((event) => event.type === 'rejected' && rejected.push(event));
    client = http2.connect(`http://127.0.0.1:${(server.address as AddressInfo).port}`);
    client.on('error', () => undefined);
  };
  afterEach(async () => {
    client.destroy();
    for (const tunnel of tunnels.splice(0)) tunnel.close();
    rejected.length = 0;
    await server.close();
  });

  it('answers 400 to missing or out-of-range padding, and opens no tunnel', async () => {
    await start({});
    for (const headers of [{ referer: undefined }, { referer: referer(99) }, { referer: referer(1001) }, { referer: 'https://tunnel.test/tun/' }]) {
      const answer = await xhttpRequest(client, 'GET', '/tun/s1', undefined, headers);
      assert.equal(answer.status, 400, JSON.stringify(headers).slice(0, 60));
      assert.ok(typeof answer.headers['x-padding'] === 'string');
    }
    assert.equal((await xhttpRequest(client, 'POST', '/tun/', undefined, { referer: undefined })).status, 400);
    assert.deepEqual(
      rejected.map((event) => event.reason),
      ['padding', 'padding', 'padding', 'padding', 'padding'],
    );
    assert.equal(tunnels.length, 0);
  });

  it('answers 404 with no padding to a wrong path or host', async () => {
    await start({});
    const wrongPath = await xhttpRequest(client, 'GET', '/tun', undefined);
    assert.equal(wrongPath.status, 404);
    assert.equal(wrongPath.headers['x-padding'], undefined);
    assert.equal((await xhttpRequest(client, 'GET', '/tun/s', undefined, { ':authority': 'other.test' })).status, 404);
    assert.equal(tunnels.length, 0);
  });

  it('keeps packets for an unknown session until its download comes, then drops the session unseen', async () => {
    await start({ sessionTimeoutMs: 300 });
    assert.equal((await xhttpRequest(client, 'POST', '/tun/nobody/0', Buffer.from('hello'))).status, 200);
    assert.deepEqual(server.stats().xhttp, { sessions: 1, awaitingDownload: 1, pendingBytes: 5 });
    await eventually(() => server.stats().xhttp?.sessions === 0, 'the session to be reaped', 3_000);
    assert.equal(server.stats().xhttp?.pendingBytes, 0);
    assert.equal(tunnels.length, 0);
  });

  it('answers 413 to a packet over the limit, declared or not', async () => {
    await start({ maxEachPostBytes: 1_000 });
    assert.equal((await xhttpRequest(client, 'POST', '/tun/s/0', Buffer.alloc(1_001), { 'content-length': 1_001 })).status, 413);
    assert.equal((await xhttpRequest(client, 'POST', '/tun/s/1', Buffer.alloc(5_000))).status, 413);
    assert.equal((await xhttpRequest(client, 'POST', '/tun/s/2', Buffer.alloc(1_000))).status, 200);
    assert.deepEqual(
      rejected.map((event) => [event.status, event.reason]),
      [
        [413, 'packet-size'],
        [413, 'packet-size'],
      ],
    );
  });

  it('tears a session down for a seq far ahead (400), and its tunnel fails', async () => {
    await start({ maxBufferedPosts: 4 });
    const download = await xhttpRequest(client, 'GET', '/tun/far');
    assert.equal(download.status, 200);
    await eventually(() => tunnels.length === 1, 'the tunnel', 2_000);
    const tunnel = tunnels[0] as Connection;
    assert.equal((await xhttpRequest(client, 'POST', '/tun/far/1000000', Buffer.from('x'))).status, 400);
    assert.deepEqual(rejected.at(-1)?.reason, 'too-far');
    const result = await tunnel.done;
    assert.equal(result._tag, 'Left');
    assert.equal(server.stats().xhttp?.sessions, 0);
  });

  it('answers 409 to a second download or a second kind of upload for a session', async () => {
    await start({});
    assert.equal((await xhttpRequest(client, 'GET', '/tun/dup')).status, 200);
    assert.equal((await xhttpRequest(client, 'GET', '/tun/dup')).status, 409);
    assert.equal((await xhttpRequest(client, 'POST', '/tun/dup')).status, 200);
    assert.equal((await xhttpRequest(client, 'POST', '/tun/dup')).status, 409);
    assert.equal((await xhttpRequest(client, 'POST', '/tun/dup/0', Buffer.from('x'))).status, 409);
  });

  it('bounds a flood of sessions that never GET: 503 past the count, and past the bytes', async () => {
    await start({ maxPendingSessions: 50, maxPendingBytes: 64 * 1024, sessionTimeoutMs: 60_000 });
    const statuses = await Promise.all(
      Array.from({ length: 80 }, (_, i) => xhttpRequest(client, 'POST', `/tun/flood-${i}/0`, Buffer.alloc(1_000)).then((a) => a.status)),
    );
    assert.equal(statuses.filter((status) => status === 200).length, 50);
    assert.equal(statuses.filter((status) => status === 503).length, 30);
    assert.deepEqual(server.stats().xhttp, { sessions: 50, awaitingDownload: 50, pendingBytes: 50_000 });
    // Bytes: 50 KB held, 64 KiB allowed: no 20 KB packet fits any more, in any session awaiting its download.
    const big = await Promise.all([1, 2, 3].map((seq) => xhttpRequest(client, 'POST', `/tun/flood-${seq}/1`, Buffer.alloc(20_000)).then((a) => a.status)));
    assert.deepEqual(big, [503, 503, 503]);
    assert.equal(rejected.at(-1)?.reason, 'busy');
    assert.ok((server.stats().xhttp?.pendingBytes ?? 0) <= 64 * 1024);
    assert.equal(tunnels.length, 0);
  });

  it('carries 20,000 tiny packets, some out of order, with memory bounded by the window', async () => {
    await start({ maxBufferedPosts: 30 });
    const download = await xhttpRequest(client, 'GET', '/tun/tiny');
    const count = 20_000;
    const echoed = readBytes(download.stream, count * 2);
    const before = liveHeap();
    let next = 0;
    const send = async () => {
      while (next < count) {
        const seq = next++;
        // Twenty senders at once: packets arrive out of order.
        const payload = Buffer.from((seq % 100).toString().padStart(2, '0'));
        const answer = await xhttpRequest(client, 'POST', `/tun/tiny/${seq}`, payload);
        assert.equal(answer.status, 200);
      }
    };
    await Promise.all(Array.from({ length: 20 }, send));
    const body = await echoed;
    const expected = Buffer.from(Array.from({ length: count }, (_, seq) => (seq % 100).toString().padStart(2, '0')).join(''));
    assert.ok(body.equals(expected), 'the packets come out in seq order');
    // Reachable heap, after a collection: 1.4 MB here. Heap used with garbage (64 MB allowed before) swung
    // past that under load; a leak of 400 bytes a packet shows in this one.
    assert.ok(liveHeap() - before < 8 * 1024 * 1024, 'live heap growth stays small');
    assert.equal(server.stats().xhttp?.pendingBytes, 0);
  });
});
