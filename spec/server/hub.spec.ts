import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { isInvalidConfig } from '../../src/errors/error-guards.js';
import { listen, type TunnelServer } from '../../src/server/listen.js';
import { testCertificate } from '../helpers/certs.js';
import { startServer, type InProcessServer } from '../helpers/in-process.js';
import { eventually } from '../helpers/eventually.js';

/** One raw HTTP/2 request with a body still open; resolves with the response headers. */
function put(
  client: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
): Promise<{ headers: http2.IncomingHttpHeaders; stream: http2.ClientHttp2Stream }> {
  const stream = client.request({ ':method': 'PUT', ':path': '/tun', ':authority': 'tunnel.test', ...headers }, { endStream: false });
  stream.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    stream.once('response', (response) => resolve({ headers: response, stream }));
    stream.once('close', () => reject(new Error(`stream closed without a response (rst ${stream.rstCode})`)));
  });
}

describe('hub: how the server answers tunnel requests', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let client: http2.ClientHttp2Session;

  before(async () => {
    peer = await startServer({ host: ['tunnel.test', 'alt.test'], path: '/tun', headers: { 'x-served-by': 'h2tunnel' } }, (connection) => {
      // Writes one line at once (no end): it must reach the client unbuffered, then echoes.
      connection.input.next(Buffer.from(`hello ${connection.info.remoteAddress} ${connection.info.authority} ${connection.info.path}\n`));
      const duplex = connection.toDuplex();
      duplex.pipe(duplex);
    });
    client = http2.connect(`https://127.0.0.1:${peer.port}`, { ca: peer.cert, servername: 'tunnel.test' });
    client.on('error', () => undefined);
  });
  after(async () => {
    client.close();
    await peer.close();
  });

  it('answers 200 with cache-control no-store and configured headers at once, then streams unbuffered', async () => {
    const { headers, stream } = await put(client, {});
    assert.equal(headers[':status'], 200);
    assert.equal(headers['cache-control'], 'no-store');
    assert.equal(headers['x-served-by'], 'h2tunnel');
    // The greeting arrives while the request body is still open.
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    assert.equal(first.toString(), 'hello 127.0.0.1 tunnel.test /tun\n');
    stream.end('echo me');
    const rest: Buffer[] = [];
    for await (const chunk of stream) rest.push(chunk as Buffer);
    assert.equal(Buffer.concat(rest).toString(), 'echo me');
  });

  it('accepts a longer path under the configured one and any configured host', async () => {
    const { headers, stream } = await put(client, { ':path': '/tun/sub?x=1', ':authority': 'alt.test' });
    assert.equal(headers[':status'], 200);
    stream.close();
  });

  it('ignores a client-supplied X-Forwarded-For by default: the socket address is the remote address', async () => {
    const { stream } = await put(client, { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' });
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    assert.match(first.toString(), /^hello 127\.0\.0\.1 /);
    stream.close();
  });

  // A one-off server greeting each tunnel with the remote address it sees, and a session to it.
  const withGreeter = async (options: Parameters<typeof startServer>[0], use: (session: http2.ClientHttp2Session) => Promise<void>) => {
    const greeter = await startServer(options, (connection) => connection.input.next(Buffer.from(`hello ${connection.info.remoteAddress}\n`)));
    const session = http2.connect(`https://127.0.0.1:${greeter.port}`, { ca: greeter.cert, servername: 'tunnel.test' });
    session.on('error', () => undefined);
    try {
      await use(session);
    } finally {
      session.destroy();
      await greeter.close();
    }
  };
  const greetingFor = async (session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders) => {
    const { stream } = await put(session, headers);
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    stream.close();
    return first.toString();
  };

  for (const trustForwardedFor of [true, ['127.0.0.1']] as const) {
    it(`takes the first X-Forwarded-For entry from a trusted peer (trustForwardedFor: ${JSON.stringify(trustForwardedFor)})`, () =>
      withGreeter({ path: '/tun', trustForwardedFor }, async (session) =>
        assert.equal(await greetingFor(session, { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' }), 'hello 203.0.113.9\n'),
      ));
  }

  it("with hostMatch 'xray' accepts the Host in any case and with a port; the default does not", async () => {
    await withGreeter({ host: ['tunnel.test'], path: '/tun', hostMatch: 'xray' }, async (session) => {
      const { headers, stream } = await put(session, { ':authority': 'TUNNEL.test:443' });
      assert.equal(headers[':status'], 200);
      stream.close();
    });
    const strict = await put(client, { ':authority': 'TUNNEL.test:443' });
    assert.equal(strict.headers[':status'], 404);
  });

  it('refuses a trusted proxy that is not an IP address, naming it', async () => {
    const pair = await testCertificate();
    const error = await listen({ listen: '127.0.0.1:0', tls: pair, trustForwardedFor: ['10.0.0.2', 'proxy.lan'] }).then(
      (server) => server.close().then(() => undefined),
      (e: unknown) => e,
    );
    assert.ok(isInvalidConfig(error) && error.key === 'trustForwardedFor', String(error));
    assert.match(error.message, /trustForwardedFor\[1\]: "proxy\.lan" is not an IP address/);
  });

  it("trusts only the listed proxies: another peer's header is ignored", () =>
    withGreeter({ path: '/tun', trustForwardedFor: ['10.0.0.2'] }, async (session) =>
      assert.equal(await greetingFor(session, { 'x-forwarded-for': '203.0.113.9' }), 'hello 127.0.0.1\n'),
    ));

  for (const [what, headers, reason] of [
    ['a Host not configured', { ':authority': 'other.test' }, 'host'],
    ['a Host that only differs by a port', { ':authority': 'tunnel.test:443' }, 'host'],
    ['a path outside the configured one', { ':path': '/other' }, 'path'],
  ] as const) {
    it(`answers 404 to ${what} and never hands it to the application`, async () => {
      const before = peer.accepted.length;
      const { headers: response, stream } = await put(client, headers);
      assert.equal(response[':status'], 404);
      assert.equal(response['cache-control'], undefined);
      await new Promise((resolve) => stream.once('close', resolve));
      assert.equal(peer.accepted.length, before);
      const rejected = peer.events.filter((e) => e.type === 'rejected').at(-1);
      assert.equal(rejected?.type === 'rejected' && rejected.reason, reason);
    });
  }
});

describe('hub: server edge cases', function () {
  this.timeout(20_000);
  let server: TunnelServer | undefined;
  let client: http2.ClientHttp2Session | undefined;

  afterEach(async () => {
    client?.close();
    await server?.close();
    server = undefined;
    client = undefined;
  });

  const connect = async (tunnelServer: TunnelServer) => {
    const { cert } = await testCertificate();
    client = http2.connect(`https://127.0.0.1:${(tunnelServer.address as AddressInfo).port}`, { ca: cert, servername: 'tunnel.test' });
    client.on('error', () => undefined);
    return client;
  };

  it('accepts any Host when no host is configured (v2fly v5, Xray)', async () => {
    const pair = await testCertificate();
    server = await listen({ listen: '127.0.0.1:0', tls: pair, path: '/tun' });
    const accepted: string[] = [];
    server.connections.subscribe((connection) => {
      accepted.push(connection.info.authority ?? '');
      void connection.end();
    });
    const session = await connect(server);
    for (const authority of ['anything.test', 'www.example.com']) {
      const { headers } = await put(session, { ':authority': authority });
      assert.equal(headers[':status'], 200);
    }
    await eventually(() => accepted.length === 2, 'both tunnels');
    assert.deepEqual(accepted, ['anything.test', 'www.example.com']);
  });

  it('answers 503 while nobody subscribes to connections: a tunnel is never accepted only to be dropped', async () => {
    const pair = await testCertificate();
    server = await listen({ listen: '127.0.0.1:0', tls: pair, host: ['tunnel.test'], path: '/tun' });
    const session = await connect(server);
    const { headers } = await put(session, {});
    assert.equal(headers[':status'], 503);
  });

  it('speaks h2c with prior knowledge when it has no TLS', async () => {
    server = await listen({ listen: '127.0.0.1:0', h2c: true, host: ['tunnel.test'], path: '/tun' });
    server.connections.subscribe((connection) => void connection.end());
    client = http2.connect(`http://127.0.0.1:${(server.address as AddressInfo).port}`);
    client.on('error', () => undefined);
    const { headers } = await put(client, {});
    assert.equal(headers[':status'], 200);
  });
});
