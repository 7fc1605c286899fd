import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { managerPerTest } from '../reliability/support/manager-per-test.js';
import { startOurServer, type OurServer } from '../reliability/support/our-server.js';
import { openTunnel, roundTrip } from '../reliability/support/tunnels.js';
import { eventually } from '../helpers/eventually.js';

function closed(socket: net.Socket | http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => {
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
  });
}

describe('server limits', function () {
  this.timeout(15_000);
  let ours: OurServer;
  const client = managerPerTest(() => ours.close());

  it('handshakeTimeoutMs: closes a TCP connection that never starts TLS', async () => {
    ours = await startOurServer({ handshakeTimeoutMs: 300 });
    const socket = net.connect(ours.port, '127.0.0.1');
    await once(socket, 'connect');
    await closed(socket);
  });

  it('headerTimeoutMs (h2c): closes a session that sends no request headers', async () => {
    ours = await startOurServer({ h2c: true, headerTimeoutMs: 300 });
    const session = http2.connect(`http://127.0.0.1:${ours.port}`);
    await once(session, 'remoteSettings');
    await closed(session);
    await eventually(() => ours.server.stats().sessions === 0, 'the server to forget the session', 2_000);
  });

  it('headerTimeoutMs (TLS): closes a session that finishes its handshake and then sends nothing', async () => {
    ours = await startOurServer({ headerTimeoutMs: 300 });
    const session = http2.connect(`https://127.0.0.1:${ours.port}`, { ca: ours.cert, servername: 'tunnel.test' });
    await once(session, 'remoteSettings');
    const started = Date.now();
    await closed(session);
    assert.ok(Date.now() - started < 2_000, 'closed by the header timeout, not the idle timeout');
    await eventually(() => ours.server.stats().sessions === 0, 'the server to forget the session', 2_000);
  });

  it('headerTimeoutMs (h2c): a prompt client is not cut', async () => {
    ours = await startOurServer({ h2c: true, headerTimeoutMs: 300 });
    const connection = await openTunnel(client.manager, ours.address, { host: ['tunnel.test'], path: '/tun', h2c: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await roundTrip(connection, Buffer.from('in time'))).toString(), 'in time');
  });

  it('idleSessionTimeoutMs: closes a session that carried nothing for that long', async () => {
    ours = await startOurServer({ h2c: true, idleSessionTimeoutMs: 300 });
    const session = http2.connect(`http://127.0.0.1:${ours.port}`);
    const stream = session.request({ ':method': 'PUT', ':authority': 'tunnel.test', ':path': '/tun' }, { endStream: true });
    stream.resume();
    await once(stream, 'close');
    let goaway = false;
    session.on('goaway', () => (goaway = true));
    await closed(session);
    assert.ok(goaway, 'closed without GOAWAY');
    await eventually(() => ours.server.stats().sessions === 0, 'the server to forget the session', 2_000);
  });

  it('maxSessionsPerAddress: refuses a session past the cap, keeps the others working', async () => {
    ours = await startOurServer({ maxSessionsPerAddress: 2 });
    const connect = () => http2.connect(`https://127.0.0.1:${ours.port}`, { ca: ours.cert, servername: 'tunnel.test' });
    const first = connect();
    const second = connect();
    await Promise.all([once(first, 'remoteSettings'), once(second, 'remoteSettings')]);
    const third = connect();
    await closed(third);
    const stream = first.request({ ':method': 'PUT', ':authority': 'tunnel.test', ':path': '/tun' }, { endStream: true });
    const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
    assert.equal(headers[':status'], 200);
    stream.resume();
    await once(stream, 'close');
    first.close();
    second.close();
    await Promise.all([closed(first), closed(second)]);
    // Slots come back once sessions close.
    await eventually(() => ours.server.stats().sessions === 0, 'sessions to close', 2_000);
    const connection = await openTunnel(client.manager, ours.address, {
      host: ['tunnel.test'],
      path: '/tun',
      tls: { serverName: 'tunnel.test', ca: ours.cert },
    });
    assert.equal((await roundTrip(connection, Buffer.from('slot free'))).toString(), 'slot free');
  });

  it('maxConcurrentStreams at 2^32-1, the largest HTTP/2 setting: a TLS client is served, nothing throws', async () => {
    ours = await startOurServer({ maxConcurrentStreams: 2 ** 32 - 1 });
    const connection = await openTunnel(client.manager, ours.address, {
      host: ['tunnel.test'],
      path: '/tun',
      tls: { serverName: 'tunnel.test', ca: ours.cert },
    });
    assert.equal((await roundTrip(connection, Buffer.from('at the limit'))).toString(), 'at the limit');
  });

  it('maxConcurrentStreams past 2^32-1 is refused by listen(), naming the key, before any client can crash it', async () => {
    await assert.rejects(startOurServer({ maxConcurrentStreams: 2 ** 32 }), { _tag: 'InvalidConfig', key: 'maxConcurrentStreams' });
  });

  it("close(drainMs) past Node's timer range drains as long as a timer can, not 1 ms", async () => {
    ours = await startOurServer({ h2c: true });
    const connection = await openTunnel(client.manager, ours.address, { host: ['tunnel.test'], path: '/tun', h2c: true });
    const closing = ours.server.close(1e10);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await roundTrip(connection, Buffer.from('still draining'))).toString(), 'still draining');
    await closing;
  });
});
