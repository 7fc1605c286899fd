import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type ClientHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { requireBinary } from '../helpers/binaries.js';
import { writeCertificateFiles, type CertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { eventually } from '../helpers/eventually.js';
import { startNginx, type NginxInstance } from '../helpers/nginx.js';
import { printOutputOnFailure, tempDir, type TempDir } from '../helpers/process.js';

/** What the origin saw of one request. */
interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly headers: IncomingHttpHeaders;
  bodyBytes: number;
}

// The nginx helper itself, against a plain Node http origin: TLS and h2 at nginx, HTTP/1.1 to the origin,
// the client's Host passed on, and nginx's defaults that matter to tunnels (the whole request body buffered
// before the origin hears of the request, 1 MiB at most).
describe('helpers: nginx in front of a cleartext HTTP/1.1 origin', function () {
  this.timeout(30_000);
  let dir: TempDir;
  let files: CertificateFiles;
  let origin: Server;
  let nginx: NginxInstance;
  let session: ClientHttp2Session;
  const seen: SeenRequest[] = [];

  before(async function () {
    requireBinary(this, 'nginx');
    dir = await tempDir('nginx-smoke-');
    files = await writeCertificateFiles(dir.path, await testCertificate());
    origin = createServer((request, response) => {
      const entry: SeenRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        httpVersion: request.httpVersion,
        headers: request.headers,
        bodyBytes: 0,
      };
      seen.push(entry);
      request.on('data', (chunk: Buffer) => (entry.bodyBytes += chunk.length));
      request.on('end', () => response.end(`origin got ${entry.bodyBytes} bytes`));
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    nginx = await startNginx({ tls: files, originPort: (origin.address() as AddressInfo).port });
    session = connect(`https://127.0.0.1:${nginx.port}`, { ca: (await testCertificate()).cert, servername: 'tunnel.test' });
  });

  afterEach(function () {
    printOutputOnFailure(this, { nginx });
  });

  after(async () => {
    session?.close();
    await nginx?.stop();
    await new Promise((resolve) => origin?.close(resolve));
    await dir?.remove();
  });

  /** One h2 request with `chunks` written `gapMs` apart and no content-length; resolves with status and body. */
  const request = (method: string, path: string, chunks: readonly Buffer[], gapMs = 0): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const stream = session.request({ ':method': method, ':path': path, ':authority': 'tunnel.test' }, { endStream: chunks.length === 0 });
      let status = 0;
      let body = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      stream.on('end', () => resolve({ status, body }));
      stream.on('error', reject);
      const write = async () => {
        for (const chunk of chunks) {
          stream.write(chunk);
          if (gapMs > 0) await new Promise((done) => setTimeout(done, gapMs));
        }
        stream.end();
      };
      if (chunks.length > 0) void write();
    });

  it('proxies an h2 request over TLS as HTTP/1.1 to the origin, passing the Host on', async () => {
    seen.length = 0;
    const answer = await request('GET', '/hello?x=1', []);
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'origin got 0 bytes');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.httpVersion, '1.1');
    assert.equal(seen[0]?.url, '/hello?x=1');
    assert.equal(seen[0]?.headers.host, 'tunnel.test');
  });

  it('buffers a streamed request body whole: the origin hears of the request only after its end, with a content-length', async () => {
    seen.length = 0;
    const half = Buffer.alloc(256 * 1024, 1);
    const answering = request('POST', '/upload', [half, half], 1_000);
    // The first half has long arrived at nginx by now; the origin has not been asked anything yet.
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(seen.length, 0, 'nginx passed the request on before its body ended');
    const answer = await answering;
    assert.equal(answer.status, 200);
    assert.equal(answer.body, `origin got ${2 * half.length} bytes`);
    assert.equal(seen[0]?.headers['content-length'], String(2 * half.length));
    assert.equal(seen[0]?.headers['transfer-encoding'], undefined);
  });

  it('refuses a body over 1 MiB with 413 (client_max_body_size) before the origin sees it', async () => {
    seen.length = 0;
    const answer = await request('POST', '/big', [Buffer.alloc(1024 * 1024 + 1)]);
    assert.equal(answer.status, 413);
    assert.equal(seen.length, 0);
  });

  it('logs each request in its access log', async () => {
    await eventually(() => /"POST \/upload HTTP\/2\.0" 200/.test(nginx.output()), 'the access log line', 5_000);
  });
});
