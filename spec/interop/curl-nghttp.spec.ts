import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listen, type TunnelServer } from '../../src/server/listen.js';
import { requireBinary } from '../helpers/binaries.js';
import { testCertificate } from '../helpers/certs.js';
import { runProgram, tempDir } from '../helpers/process.js';

const HOST = 'tunnel.test';
const PATH = '/tun/v2';

// Generic HTTP/2 clients must see exactly what v2ray's hub answers: 200 + cache-control: no-store and
// the echoed body, or 404 for a Host or path outside the configuration.
describe('interop: curl and nghttp against our server', function () {
  this.timeout(60_000);
  let tls: TunnelServer;
  let h2c: TunnelServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const payload = randomBytes(48 * 1024);

  before(async function () {
    requireBinary(this, 'curl');
    requireBinary(this, 'nghttp');
    dir = await tempDir('curl-');
    tls = await listen({ listen: '127.0.0.1:0', tls: await testCertificate(), host: [HOST, 'alt.tunnel.test'], path: PATH });
    h2c = await listen({ listen: '127.0.0.1:0', h2c: true, host: [HOST], path: PATH });
    for (const server of [tls, h2c]) {
      server.connections.subscribe((connection) => {
        const duplex = connection.toDuplex();
        duplex.pipe(duplex);
      });
    }
  });

  after(async () => {
    await tls?.close();
    await h2c?.close();
    await dir?.remove();
  });

  const url = (server: TunnelServer, scheme: 'https' | 'http', path = PATH) => `${scheme}://127.0.0.1:${portOf(server)}${path}`;

  /**
   * PUTs `payload` with curl, or nothing (`none`); returns the status, the response headers and the body.
   *
   * A refusal is asked for without a body: the server answers 404 before reading one, then tells the
   * client to stop uploading with RST_STREAM(NO_ERROR), as RFC 9113 §8.1 allows (v2ray's hub does the
   * same). Debian 12's curl (7.88) drops that complete response when it comes while curl still uploads
   * (exit 92 or 52, under load), which §8.1 forbids a client. nghttp's refusals below
   * still carry a body.
   */
  const curl = async (mode: '--http2' | '--http2-prior-knowledge', target: string, host: string, body: 'payload' | 'none' = 'payload') => {
    const headerFile = join(dir.path, `headers-${Math.random().toString(36).slice(2)}`);
    const upload = body === 'payload' ? ['-T', '-'] : [];
    const result = await runProgram(
      'curl',
      ['-sS', '-k', mode, '-X', 'PUT', ...upload, '-H', `Host: ${host}`, '-D', headerFile, '-o', '-', target],
      body === 'payload' ? payload : Buffer.alloc(0),
    );
    assert.equal(result.code, 0, result.stderr);
    const headers = (await readFile(headerFile, 'utf8')).toLowerCase();
    const status = Number(/^http\/2 (\d{3})/m.exec(headers)?.[1]);
    return { status, headers, body: result.stdout };
  };

  describe('curl', () => {
    it('over TLS: 200, cache-control: no-store and the echo', async () => {
      const answer = await curl('--http2', url(tls, 'https'), HOST);
      assert.equal(answer.status, 200);
      assert.match(answer.headers, /^cache-control: no-store\r?$/m);
      assert.ok(answer.body.equals(payload), `echo of ${answer.body.length} bytes differs`);
    });

    it('over TLS: accepts every configured host and a path below the configured one', async () => {
      const answer = await curl('--http2', url(tls, 'https', `${PATH}/below`), 'alt.tunnel.test');
      assert.equal(answer.status, 200);
      assert.ok(answer.body.equals(payload));
    });

    it('over TLS: 404 for a wrong Host', async () => {
      const answer = await curl('--http2', url(tls, 'https'), 'stranger.test', 'none');
      assert.equal(answer.status, 404);
      assert.equal(answer.body.length, 0);
    });

    it('over TLS: 404 for a wrong path', async () => {
      const answer = await curl('--http2', url(tls, 'https', '/tun'), HOST, 'none');
      assert.equal(answer.status, 404);
      assert.equal(answer.body.length, 0);
    });

    it('h2c with prior knowledge: 200 and the echo; 404 for a wrong Host', async () => {
      const good = await curl('--http2-prior-knowledge', url(h2c, 'http'), HOST);
      assert.equal(good.status, 200);
      assert.match(good.headers, /^cache-control: no-store\r?$/m);
      assert.ok(good.body.equals(payload));
      const wrong = await curl('--http2-prior-knowledge', url(h2c, 'http'), 'stranger.test', 'none');
      assert.equal(wrong.status, 404);
    });
  });

  describe('nghttp', () => {
    /** PUTs `payload` with nghttp; the body is its stdout, the status and headers come from its HAR file. */
    const nghttp = async (target: string, authority: string) => {
      const har = join(dir.path, `nghttp-${Math.random().toString(36).slice(2)}.har`);
      const result = await runProgram(
        'nghttp',
        ['--har', har, '--no-content-length', '-H', ':method: PUT', '-H', `:authority: ${authority}`, '-d', '-', target],
        payload,
      );
      assert.equal(result.code, 0, result.stderr);
      const log = JSON.parse(await readFile(har, 'utf8')) as HarLog;
      const response = log.log.entries[0]?.response;
      assert.ok(response !== undefined, 'nghttp recorded one response');
      const headers = new Map(response.headers.map(({ name, value }) => [name.toLowerCase(), value]));
      return { status: response.status, headers, body: result.stdout };
    };

    it('over TLS: 200 with cache-control: no-store and the echo', async () => {
      const answer = await nghttp(url(tls, 'https'), HOST);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      assert.ok(answer.body.equals(payload), `echo of ${answer.body.length} bytes differs`);
    });

    it('over TLS: 404 for a wrong Host or path', async () => {
      assert.equal((await nghttp(url(tls, 'https'), 'stranger.test')).status, 404);
      assert.equal((await nghttp(url(tls, 'https', '/other'), HOST)).status, 404);
    });

    it('h2c: 200 and the echo, 404 for a wrong path', async () => {
      const answer = await nghttp(url(h2c, 'http'), HOST);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      assert.ok(answer.body.equals(payload));
      assert.equal((await nghttp(url(h2c, 'http', '/'), HOST)).status, 404);
    });
  });
});

interface HarLog {
  readonly log: {
    readonly entries: readonly {
      readonly response: { readonly status: number; readonly headers: readonly { readonly name: string; readonly value: string }[] };
    }[];
  };
}

function portOf(server: TunnelServer): number {
  if (typeof server.address === 'string') throw new Error('expected a TCP address');
  return server.address.port;
}
