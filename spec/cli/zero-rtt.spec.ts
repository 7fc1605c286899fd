import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import { connect, type AddressInfo } from 'node:net';
import { useCliFixture } from './support/cli-fixture.js';
import { driveEnd } from './support/stuck-end.js';

/** What the scripted server does with the n-th stream it gets (0-based). */
type Script = (stream: http2.ServerHttp2Stream, n: number, session: http2.ServerHttp2Session) => void;

/** An h2c server following `script`, recording each stream's body bytes and when they came. */
async function scriptedServer(script: Script) {
  const streams: { bytesBefore200: number; body: Buffer[] }[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, _headers) => {
    const record = { bytesBefore200: 0, body: [] as Buffer[] };
    streams.push(record);
    stream.on('error', () => undefined);
    stream.on('data', (chunk: Buffer) => {
      record.body.push(chunk);
      if (!stream.headersSent) record.bytesBefore200 += chunk.length;
    });
    script(stream, streams.length - 1, stream.session as http2.ServerHttp2Session);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, streams, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Answers 200 after `delayMs`, then echoes the body: what came before the 200 first, the rest as it comes. */
const echoAfter =
  (delayMs: number): Script =>
  (stream) => {
    const early: Buffer[] = [];
    let ended = false;
    let answered = false;
    stream.on('data', (chunk: Buffer) => (answered ? stream.write(chunk) : early.push(chunk)));
    stream.once('end', () => (answered ? stream.end() : (ended = true)));
    setTimeout(() => {
      if (stream.destroyed) return;
      stream.respond({ ':status': 200 });
      answered = true;
      for (const chunk of early) stream.write(chunk);
      if (ended) stream.end();
    }, delayMs);
  };

describe('CLI client: 0-RTT by default, with a replay only for tunnels the server never processed', function () {
  this.timeout(20_000);
  const fx = useCliFixture('cli-zero-rtt-');
  let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const client = (port: number, ...extra: string[]) =>
    fx.start(['client', '--listen', '127.0.0.1:0', '--server', `127.0.0.1:${port}`, '--h2c', '--log-level', 'debug', ...extra]);

  async function echoThrough(port: number, payload: string): Promise<string> {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(socket, 'connect');
    socket.end(payload);
    await once(socket, 'end');
    socket.destroy();
    return Buffer.concat(chunks).toString();
  }

  it('sends the first bytes with the request, before the 200', async () => {
    server = await scriptedServer(echoAfter(300));
    const { port } = await client(server.port);
    assert.equal(await echoThrough(port, 'early bytes'), 'early bytes');
    assert.equal(server.streams[0]?.bytesBefore200, 'early bytes'.length);
  });

  it('--no-zero-rtt waits for the 200 before the first byte', async () => {
    server = await scriptedServer(echoAfter(300));
    const { port } = await client(server.port, '--no-zero-rtt');
    assert.equal(await echoThrough(port, 'late bytes'), 'late bytes');
    assert.equal(server.streams[0]?.bytesBefore200, 0);
  });

  it('a tunnel refused with REFUSED_STREAM is sent again with every early byte, nothing lost', async () => {
    server = await scriptedServer((stream, n) =>
      n === 0 ? stream.close(http2.constants.NGHTTP2_REFUSED_STREAM) : echoAfter(0)(stream, n, stream.session as http2.ServerHttp2Session),
    );
    const { cli, port } = await client(server.port);
    const payload = 'x'.repeat(100_000);
    assert.equal(await echoThrough(port, payload), payload);
    assert.equal(server.streams.length, 2);
    await cli.waitFor((l) => l.msg === 'tunnel sent again: the server had not processed it' && l.replays === 1, 'the replay log line');
  });

  it('a session lost before the 200 is a failure, never a replay: the server may have forwarded the bytes', async () => {
    server = await scriptedServer((stream, _n, session) => stream.once('data', () => session.destroy()));
    const { cli, port } = await client(server.port);
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    await once(socket, 'connect');
    socket.write('charge the card');
    const ending = await driveEnd(socket, 'idle').watch();
    assert.equal(ending.how, 'reset');
    assert.equal(server.streams.length, 1, 'the tunnel was sent again');
    const line = await cli.waitFor((l) => l.msg === 'tunnel failed to open', 'the failure line');
    assert.equal(line.tag, 'SessionClosed', JSON.stringify(line));
  });

  // A proxy that buffers request bodies answers nothing until the upload ends.
  it('a server that never answers: the local connection is reset at the response deadline (10 s), not left open', async function () {
    this.timeout(25_000);
    server = await scriptedServer(() => undefined);
    const { cli, port } = await client(server.port);
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    await once(socket, 'connect');
    socket.write('hello?');
    const ending = await driveEnd(socket, 'idle', 15_000).watch();
    assert.equal(ending.how, 'reset');
    assert.ok(ending.ms > 8_000 && ending.ms < 13_000, `reset after ${ending.ms} ms`);
    const line = await cli.waitFor((l) => l.msg === 'tunnel failed to open', 'the failure line');
    assert.equal(line.tag, 'Timeout', JSON.stringify(line));
  });

  it('--idle-timeout counts from the hand-off: a quiet tunnel awaiting its 200 is reset after it', async () => {
    server = await scriptedServer(() => undefined);
    const { port } = await client(server.port, '--idle-timeout', '2');
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    await once(socket, 'connect');
    socket.write('hello?');
    const ending = await driveEnd(socket, 'idle').watch();
    assert.equal(ending.how, 'reset');
    assert.ok(ending.ms < 4_000, `reset after ${ending.ms} ms`);
  });
});
