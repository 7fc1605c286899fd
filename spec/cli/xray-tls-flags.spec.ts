import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { useCliFixture } from './support/cli-fixture.js';
import { closedWithoutEcho, echoThrough } from './support/echo-client.js';

// --cert-sha256 and --verify-name: Xray's pinnedPeerCertSha256 and verifyPeerCertByName as flags, beside --pin.
describe('h2tunnel client --cert-sha256, --verify-name', function () {
  this.timeout(60_000);
  const fx = useCliFixture('cli-xray-tls-');
  const client = (serverPort: number, ...tls: string[]) =>
    fx.start(['client', '--listen', '127.0.0.1:0', '--server', `127.0.0.1:${serverPort}`, '--host', 'tunnel.test', '--path', '/tun', ...tls]);
  const certSha256 = async () =>
    createHash('sha256')
      .update(new X509Certificate(await readFile(fx.files.certFile)).raw)
      .digest('hex');

  it('--cert-sha256 of the leaf trusts a self-signed server with no --ca; a wrong one fails each tunnel, logged', async () => {
    const server = await fx.tlsServer(fx.echo.port);
    const pinned = await client(server.port, '--server-name', 'tunnel.test', '--cert-sha256', `${'0'.repeat(64)},${await certSha256()}`);
    assert.ok((await echoThrough(pinned.port, 64 * 1024)).matches);
    const wrong = await client(server.port, '--server-name', 'tunnel.test', '--cert-sha256', 'ab'.repeat(32));
    assert.ok((await closedWithoutEcho(wrong.port)).reset);
    const failed = await wrong.cli.waitFor((l) => l.msg === 'tunnel failed to open', 'the client failure line');
    assert.equal(failed.tag, 'TlsVerifyFailed');
    assert.match(String(failed.error), /pinnedPeerCertSha256/);
  });

  it('--verify-name checks the certificate against its names while --server-name goes out as SNI', async () => {
    const server = await fx.tlsServer(fx.echo.port);
    const named = await client(server.port, '--server-name', 'front.test', '--ca', fx.files.certFile, '--verify-name', 'other.test,tunnel.test');
    assert.ok((await echoThrough(named.port, 64 * 1024)).matches);
    const wrong = await client(server.port, '--server-name', 'tunnel.test', '--ca', fx.files.certFile, '--verify-name', 'other.test');
    assert.ok((await closedWithoutEcho(wrong.port)).reset);
    const failed = await wrong.cli.waitFor((l) => l.msg === 'tunnel failed to open', 'the client failure line');
    assert.equal(failed.tag, 'TlsVerifyFailed');
  });
});
