import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/process.js';
import { runCli } from './support/cli-process.js';

describe('h2tunnel cert', function () {
  this.timeout(60_000);
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => (dir = await tempDir('cli-cert-')));
  after(() => dir?.remove());

  it('writes a certificate for the names and a private key only its owner reads, and says how to use them', async () => {
    const out = join(dir.path, 'tls');
    const result = await runCli(['cert', '--name', 'tunnel.example,203.0.113.7', '--out', out, '--days', '30']);
    assert.equal(result.code, 0, result.stderr);
    const cert = new X509Certificate(await readFile(join(out, 'cert.pem')));
    assert.ok(cert.checkHost('tunnel.example'));
    assert.ok(cert.checkIP('203.0.113.7'));
    assert.equal((await stat(join(out, 'key.pem'))).mode & 0o777, 0o600);
    assert.match(result.stdout, /h2tunnel client .*--server-name tunnel\.example --ca .*cert\.pem/);
    assert.match(result.stdout, /h2tunnel server .*--cert .*cert\.pem --key .*key\.pem/);
    assert.doesNotMatch(result.stdout, /PRIVATE KEY/);
  });

  it('never overwrites an existing key: exit 2 naming the file', async () => {
    const out = join(dir.path, 'twice');
    assert.equal((await runCli(['cert', '--name', 'a.test', '--out', out])).code, 0);
    const before = await readFile(join(out, 'key.pem'), 'utf8');
    const again = await runCli(['cert', '--name', 'a.test', '--out', out]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^h2tunnel: --out: cannot write .*cert\.pem: already exists/m);
    assert.equal(await readFile(join(out, 'key.pem'), 'utf8'), before);
  });
});
