import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import { connect, type AddressInfo, type Socket } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import type { Connection } from '../../../src/connection/connection.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import { eventually } from '../../helpers/eventually.js';
import { readAll, readBytes, referer, xhttpRequest } from './support/raw-xhttp.js';

// How a split tunnel ends on the server: cleanly only when the client is done, with the reason otherwise.
describe('XHTTP server: how split tunnels end', function () {
  this.timeout(20_000);
  let server: TunnelServer;
  let client: http2.ClientHttp2Session;
  let socket: Socket;
  const tunnels: Connection[] = [];
  const received: Buffer[][] = [];

  beforeEach(async () => {
    server = await listen({ listen: '127.0.0.1:0', h2c: true, path: '/tun/', xhttp: { maxBufferedPosts: 4 } });
    server.connections.subscribe((connection) => {
      const chunks: Buffer[] = [];
      tunnels.push(connection);
      received.push(chunks);
      connection.output.subscribe({ next: (chunk) => chunks.push(chunk), error: () => undefined });
    });
    const port = (server.address as AddressInfo).port;
    socket = connect(port, '127.0.0.1');
    client = http2.connect(`http://127.0.0.1:${port}`, { createConnection: () => socket });
    client.on('error', () => undefined);
  });
  afterEach(async () => {
    client.destroy();
    for (const tunnel of tunnels.splice(0)) tunnel.close();
    received.length = 0;
    await server.close();
  });

  it('packet-up: the client cancelling its download after its packets is a clean end', async () => {
    const download = await xhttpRequest(client, 'GET', '/tun/p1');
    await eventually(() => tunnels.length === 1, 'the tunnel');
    const tunnel = tunnels[0] as Connection;
    await xhttpRequest(client, 'POST', '/tun/p1/1', Buffer.from('world'));
    await xhttpRequest(client, 'POST', '/tun/p1/0', Buffer.from('hello '));
    await tunnel.write(Buffer.from('down'));
    assert.equal((await readBytes(download.stream, 4)).toString(), 'down');
    download.stream.close(http2.constants.NGHTTP2_CANCEL);
    assert.deepEqual(await tunnel.done, E.right(undefined));
    assert.equal(Buffer.concat(received[0] ?? []).toString(), 'hello world');
  });

  it('packet-up: a packet missing when the download ends fails the tunnel', async () => {
    const download = await xhttpRequest(client, 'GET', '/tun/p2');
    await eventually(() => tunnels.length === 1, 'the tunnel');
    await xhttpRequest(client, 'POST', '/tun/p2/1', Buffer.from('late'));
    download.stream.close(http2.constants.NGHTTP2_CANCEL);
    const result = await (tunnels[0] as Connection).done;
    assert.ok(E.isLeft(result) && /packet 0 missing/.test(result.left.message), JSON.stringify(result));
  });

  it('packet-up: a packet reset before its end is not taken', async () => {
    await xhttpRequest(client, 'GET', '/tun/p4');
    await eventually(() => tunnels.length === 1, 'the tunnel');
    const cut = client.request({ ':method': 'POST', ':path': '/tun/p4/0', ':authority': 'tunnel.test', referer: referer() }, { endStream: false });
    cut.on('error', () => undefined);
    cut.write('par');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // destroy(), not close(): Node's close() sends END_STREAM before its RST_STREAM.
    cut.destroy(new Error('cut'));
    await xhttpRequest(client, 'POST', '/tun/p4/0', Buffer.from('whole'));
    await eventually(() => Buffer.concat(received[0] ?? []).toString() === 'whole', 'the whole packet only');
  });

  it('packet-up: a packet ahead of the window waits unanswered until the reader catches up', async () => {
    await xhttpRequest(client, 'GET', '/tun/p3');
    await eventually(() => tunnels.length === 1, 'the tunnel');
    let answered = false;
    const ahead = xhttpRequest(client, 'POST', '/tun/p3/5', Buffer.from('f')).then((answer) => ((answered = true), answer.status));
    for (const seq of [1, 2, 3]) assert.equal((await xhttpRequest(client, 'POST', `/tun/p3/${seq}`, Buffer.from('bcd'[seq - 1] ?? ''))).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(answered, false, 'seq 5 is beyond the window of 4 from seq 0');
    await xhttpRequest(client, 'POST', '/tun/p3/0', Buffer.from('a'));
    assert.equal(await ahead, 200);
    await xhttpRequest(client, 'POST', '/tun/p3/4', Buffer.from('e'));
    await eventually(() => Buffer.concat(received[0] ?? []).toString() === 'abcdef', 'all six in order');
  });

  it('packet-up: a packet cut off while it waited for room is dropped, and the window goes on', async () => {
    await xhttpRequest(client, 'GET', '/tun/p5');
    await eventually(() => tunnels.length === 1, 'the tunnel');
    const waiting = client.request({ ':method': 'POST', ':path': '/tun/p5/4', ':authority': 'tunnel.test', referer: referer() }, { endStream: false });
    waiting.on('error', () => undefined);
    waiting.end(Buffer.from('never'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    waiting.destroy(new Error('gave up'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const seq of [0, 1, 2, 3, 4, 5]) assert.equal((await xhttpRequest(client, 'POST', `/tun/p5/${seq}`, Buffer.from('abcdef'[seq] ?? ''))).status, 200);
    await eventually(() => Buffer.concat(received[0] ?? []).toString() === 'abcdef', 'all six in order');
  });

  it('stream-up: the POST ending is the clean end of the upload; the download goes on', async () => {
    const download = await xhttpRequest(client, 'GET', '/tun/s1');
    const post = await xhttpRequest(client, 'POST', '/tun/s1', Buffer.from('up and done'));
    assert.equal(post.status, 200);
    await eventually(() => tunnels.length === 1, 'the tunnel');
    const tunnel = tunnels[0] as Connection;
    await eventually(() => Buffer.concat(received[0] ?? []).toString() === 'up and done', 'the upload');
    await tunnel.write(Buffer.from('still going down'));
    await tunnel.end();
    assert.equal((await readAll(download.stream)).toString(), 'still going down');
    assert.deepEqual(await tunnel.done, E.right(undefined));
  });

  it('stream-up: a POST reset before its end fails the tunnel', async () => {
    await xhttpRequest(client, 'GET', '/tun/s2');
    const post = await xhttpRequest(client, 'POST', '/tun/s2');
    await eventually(() => tunnels.length === 1, 'the tunnel');
    post.stream.write('partial');
    await eventually(() => Buffer.concat(received[0] ?? []).toString() === 'partial', 'the partial upload');
    post.stream.destroy(new Error('cut'));
    const result = await (tunnels[0] as Connection).done;
    assert.ok(E.isLeft(result), JSON.stringify(result));
  });

  it('a session that fails in the same read as its GET costs that tunnel only, not the process', async () => {
    // The GET and a connection error reach the server together (here a WINDOW_UPDATE of 0 on the
    // connection, which nghttp2 answers with GOAWAY; in the field its reset-rate limit does it), so the
    // download is lost before the tunnel is handed over, when nobody listens to its failure yet.
    const port = (server.address as AddressInfo).port;
    const raw = connect(port, '127.0.0.1');
    raw.on('error', () => undefined);
    await new Promise<void>((resolve) => raw.once('connect', resolve));
    const closed = new Promise((resolve) => raw.once('close', resolve));
    raw.resume();
    raw.write(Buffer.concat([rawGet('/tun/raced'), frame(8, 0, 0, Buffer.alloc(4))]));
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const download = await xhttpRequest(client, 'GET', '/tun/after');
    assert.equal(download.status, 200);
  });

  it('a lost connection fails the tunnel, whatever the mode', async () => {
    await xhttpRequest(client, 'GET', '/tun/lost');
    await eventually(() => tunnels.length === 1, 'the tunnel');
    socket.destroy();
    const result = await (tunnels[0] as Connection).done;
    assert.ok(E.isLeft(result), JSON.stringify(result));
    await eventually(() => server.stats().xhttp?.sessions === 0, 'the session to go');
  });
});

// The client preface, an empty SETTINGS and one XHTTP download GET (END_STREAM) as raw h2c frames, in
// one buffer. HPACK literals without indexing or Huffman: :path (4), :authority (1), referer (51).
function rawGet(path: string): Buffer {
  const int = (value: number, prefixBits: number, flags: number): number[] => {
    const max = 2 ** prefixBits - 1;
    if (value < max) return [flags | value];
    const out = [flags | max];
    for (let rest = value - max; ; rest >>= 7) {
      if (rest < 128) return [...out, rest];
      out.push((rest & 0x7f) | 0x80);
    }
  };
  const literal = (nameIndex: number, value: string) => Buffer.from([...int(nameIndex, 4, 0), ...int(value.length, 7, 0), ...Buffer.from(value, 'latin1')]);
  const block = Buffer.concat([Buffer.from([0x82, 0x86]), literal(4, path), literal(1, 'tunnel.test'), literal(51, referer())]);
  return Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), frame(4, 0, 0, Buffer.alloc(0)), frame(1, 0x5, 1, block)]);
}

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
}
