import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as E from 'fp-ts/lib/Either.js';
import { streamReset } from '../../src/errors/transport-error.js';
import { isStreamReset, isUnexpectedStatus } from '../../src/errors/error-guards.js';
import { managerPerTest } from './support/manager-per-test.js';
import { startOurServer, type OurServer } from './support/our-server.js';
import { openTunnel, roundTrip } from './support/tunnels.js';
import { eventually } from '../helpers/eventually.js';

/** Resolves once `socket` is closed by the far end (or errors), with the bytes it received. */
async function closedByPeer(socket: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  await once(socket, 'close');
  return Buffer.concat(chunks);
}

describe('reliability: bad input to our server', function () {
  this.timeout(20_000);
  let ours: OurServer;
  const client = managerPerTest(() => ours.close());
  const settings = () => ({
    host: ['tunnel.test'],
    path: '/tun',
    ...(ours.cert === undefined ? { h2c: true } : { tls: { serverName: 'tunnel.test', ca: ours.cert } }),
  });

  /** The server still serves a well-behaved client. */
  const stillServes = async () => {
    const connection = await openTunnel(client.manager, ours.address, settings());
    assert.equal((await roundTrip(connection, Buffer.from('still serving'))).toString(), 'still serving');
  };

  it('closes a connection that sends garbage to the TLS port, and keeps serving', async () => {
    ours = await startOurServer();
    const socket = net.connect(ours.port, '127.0.0.1');
    socket.write(randomBytes(4096));
    await closedByPeer(socket);
    assert.equal(ours.server.stats().sessions, 0);
    await stillServes();
  });

  it('closes a connection that sends garbage to the h2c port, and keeps serving', async () => {
    ours = await startOurServer({ h2c: true });
    const socket = net.connect(ours.port, '127.0.0.1');
    socket.write(randomBytes(4096));
    await closedByPeer(socket);
    await stillServes();
  });

  it('refuses HTTP/1.1 over TLS (ALPN http/1.1 only): the handshake fails, the server keeps serving', async () => {
    ours = await startOurServer();
    const socket = tls.connect({ port: ours.port, host: '127.0.0.1', servername: 'tunnel.test', ca: ours.cert, ALPNProtocols: ['http/1.1'] });
    const [error] = (await once(socket, 'error').catch((e: unknown) => [e])) as [Error & { code?: string }];
    assert.equal(error.code, 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL');
    await stillServes();
  });

  it('drops at once a TLS client that negotiates no ALPN and speaks HTTP/1.1', async () => {
    ours = await startOurServer();
    const socket = tls.connect({ port: ours.port, host: '127.0.0.1', servername: 'tunnel.test', ca: ours.cert });
    await once(socket, 'secureConnect');
    socket.write('PUT /tun HTTP/1.1\r\nHost: tunnel.test\r\n\r\n');
    const startedAt = Date.now();
    const answer = await closedByPeer(socket);
    // Node would hold such a socket for unknownProtocolTimeout (10 s); the server closes it itself.
    assert.ok(Date.now() - startedAt < 5_000, 'the socket was held open');
    assert.equal(answer.length, 0, 'an HTTP/1.1 client got an answer');
    assert.equal(ours.accepted.length, 0);
    await stillServes();
  });

  it('refuses HTTP/1.1 on the h2c port', async () => {
    ours = await startOurServer({ h2c: true });
    const socket = net.connect(ours.port, '127.0.0.1');
    socket.write('PUT /tun HTTP/1.1\r\nHost: tunnel.test\r\n\r\n');
    const answer = await closedByPeer(socket);
    assert.ok(!answer.toString('latin1').startsWith('HTTP/1.1 200'), 'answered HTTP/1.1 with 200');
    assert.equal(ours.accepted.length, 0);
    await stillServes();
  });

  for (const [what, authority, path] of [
    ['wrong Host', 'other.test', '/tun'],
    ['wrong path', 'tunnel.test', '/elsewhere'],
  ] as const) {
    it(`answers a ${what} with a bare 404 that reveals nothing, never reaching the forward target`, async () => {
      ours = await startOurServer();
      const session = http2.connect(`https://127.0.0.1:${ours.port}`, { ca: ours.cert, servername: 'tunnel.test' });
      session.on('error', () => undefined);
      const stream = session.request({ ':method': 'PUT', ':authority': authority, ':path': path }, { endStream: false });
      stream.end('secret upstream bytes');
      const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
      const body: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => body.push(chunk));
      await once(stream, 'close');
      session.close();
      assert.equal(headers[':status'], 404);
      assert.deepEqual(
        Object.keys(headers).filter((name) => name !== ':status' && name !== 'date'),
        [],
      );
      assert.equal(Buffer.concat(body).length, 0);
      assert.equal(ours.accepted.length, 0);
      const error = await openTunnel(client.manager, ours.address, { ...settings(), host: [authority], path }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(isUnexpectedStatus(error) && error.status === 404, String(error));
      await stillServes();
    });
  }

  it('rejects an oversized header block, and keeps serving', async () => {
    ours = await startOurServer({ maxHeaderListSize: 8_192 });
    const session = http2.connect(`https://127.0.0.1:${ours.port}`, { ca: ours.cert, servername: 'tunnel.test' });
    session.on('error', () => undefined);
    await once(session, 'remoteSettings');
    const stream = session.request({ ':method': 'PUT', ':authority': 'tunnel.test', ':path': '/tun', 'x-big': 'a'.repeat(20_000) }, { endStream: false });
    stream.on('error', () => undefined);
    let status: number | undefined;
    stream.on('response', (h) => (status = h[':status']));
    await new Promise((resolve) => stream.on('close', resolve));
    const outcome = status !== undefined ? `status ${String(status)}` : `closed ${stream.rstCode}`;
    session.destroy();
    assert.ok(outcome === 'status 431' || /^closed [1-9]/.test(outcome), outcome);
    assert.equal(ours.accepted.length, 0);
    // Our client reports the same refusal as a typed error.
    const error = await openTunnel(client.manager, ours.address, { ...settings(), headers: { 'x-big': 'a'.repeat(20_000) } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isStreamReset(error) || isUnexpectedStatus(error), String(error));
    await stillServes();
  });

  it('RST_STREAM mid-tunnel from the client: the server side ends with StreamReset, other tunnels go on', async () => {
    ours = await startOurServer();
    const doomed = await openTunnel(client.manager, ours.address, settings());
    const survivor = await openTunnel(client.manager, ours.address, settings());
    await doomed.write(Buffer.from('half'));
    await eventually(() => ours.accepted.length === 2, 'both tunnels accepted', 2_000);
    doomed.close(streamReset(8, 'client gave up'));
    const serverSide = await ours.accepted[0]!.done;
    assert.ok(E.isLeft(serverSide) && isStreamReset(serverSide.left), JSON.stringify(serverSide));
    assert.equal((await roundTrip(survivor, Buffer.from('unaffected'))).toString(), 'unaffected');
  });

  it('RST_STREAM mid-tunnel from the server: the client side ends with StreamReset, the session stays', async () => {
    ours = await startOurServer();
    const doomed = await openTunnel(client.manager, ours.address, settings());
    doomed.output.subscribe({ error: () => undefined });
    await eventually(() => ours.accepted.length === 1, 'the tunnel accepted', 2_000);
    ours.accepted[0]!.close(streamReset(2, 'server app failed'));
    const result = await doomed.done;
    assert.ok(E.isLeft(result) && isStreamReset(result.left) && result.left.rstCode === 2, JSON.stringify(result));
    await stillServes();
    assert.equal(client.manager.stats().sessions, 1);
  });
});
