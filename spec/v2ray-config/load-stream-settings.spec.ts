import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { checkServerTls, loadDialSettings, loadListenSettings, readCaFile } from '../../src/v2ray-config/load-stream-settings.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import { testCertificate } from '../helpers/certs.js';
import { writeCertificateFiles } from '../helpers/cert-files.js';
import { tempDir } from '../helpers/process.js';

describe('config/load-stream-settings: v2ray JSON files and PEM files', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cert: string;
  let key: string;
  const json = async (name: string, value: unknown) => {
    const file = join(dir.path, name);
    await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  before(async () => {
    dir = await tempDir('load-stream-');
    ({ cert, key } = await testCertificate());
    await writeCertificateFiles(dir.path, { cert, key });
  });
  after(() => dir?.remove());

  it('client: http settings carried over; "verify" certificates become the CA, read relative to the JSON file', async () => {
    const file = await json('client.json', {
      network: 'http',
      security: 'tls',
      httpSettings: { host: ['a.test'], path: '/p', read_idle_timeout: 5 },
      tlsSettings: { serverName: 'a.test', certificates: [{ usage: 'verify', certificateFile: 'cert.pem' }] },
    });
    const loaded = await loadDialSettings(file);
    assert.ok(E.isRight(loaded));
    assert.deepEqual(loaded.right.settings, { host: ['a.test'], path: '/p', readIdleTimeoutMs: 5000, tls: { serverName: 'a.test', ca: [cert] } });
  });

  it('client: security none leaves TLS unset (the caller then needs --h2c)', async () => {
    const loaded = await loadDialSettings(await json('none.json', { network: 'http', httpSettings: { path: '/x' } }));
    assert.ok(E.isRight(loaded));
    assert.equal(loaded.right.settings.tls, undefined);
  });

  it('server: the encipherment pair is read and checked; no TLS means h2c', async () => {
    const tls = await loadListenSettings(
      await json('server.json', { network: 'http', security: 'tls', tlsSettings: { certificates: [{ certificateFile: 'cert.pem', keyFile: 'key.pem' }] } }),
    );
    assert.ok(E.isRight(tls));
    assert.deepEqual(tls.right.tls, { cert, key });
    assert.equal(tls.right.h2c, false);
    const plain = await loadListenSettings(await json('plain.json', { network: 'http' }));
    assert.ok(E.isRight(plain));
    assert.equal(plain.right.h2c, true);
  });

  it('failures name the file and key', async () => {
    const missing = await loadListenSettings(
      await json('missing-key.json', {
        network: 'http',
        security: 'tls',
        tlsSettings: { certificates: [{ certificateFile: 'cert.pem', keyFile: 'nope.pem' }] },
      }),
    );
    assert.ok(E.isLeft(missing));
    assert.equal(missing.left.key, 'streamSettings.tlsSettings.certificates[0].keyFile');
    assert.match(missing.left.message, /cannot read .*nope\.pem: no such file/);
    const wrong = await loadDialSettings(await json('wrong.json', { network: 'http', httpSettings: { path: 7 } }));
    assert.ok(E.isLeft(wrong));
    assert.match(wrong.left.message, /wrong\.json: streamSettings\.httpSettings\.path: must be a string/);
    const broken = await loadDialSettings(await json('broken.json', '{'));
    assert.ok(E.isLeft(broken));
    assert.equal(broken.left.key, '--stream-settings');
    const none = await readCaFile(join(dir.path, 'absent.pem'), '--ca');
    assert.ok(E.isLeft(none));
    assert.equal(none.left.key, '--ca');
  });

  it('a CA with no certificate in it is refused naming the key, as a flag and as a verify certificate', async () => {
    await writeFile(join(dir.path, 'garbage.pem'), 'not a certificate\n');
    const flag = await readCaFile(join(dir.path, 'garbage.pem'), '--client-ca');
    assert.ok(E.isLeft(flag));
    assert.equal(flag.left.key, '--client-ca');
    assert.match(flag.left.message, /is not a PEM certificate/);
    const verify = await loadDialSettings(
      await json('verify.json', { network: 'http', security: 'tls', tlsSettings: { certificates: [{ usage: 'verify', certificateFile: 'garbage.pem' }] } }),
    );
    assert.ok(E.isLeft(verify));
    assert.equal(verify.left.key, 'streamSettings.tlsSettings.certificates[0].certificateFile');
    const bundle = await readCaFile(join(dir.path, 'cert.pem'), '--ca');
    assert.ok(E.isRight(bundle));
  });

  it('a key from another pair is a mismatch naming the key setting', async () => {
    const other = await selfSignedCertificate(['other.test']);
    const result = checkServerTls({ cert, key: other.key }, '--cert', '--key');
    assert.ok(E.isLeft(result));
    assert.equal(result.left.key, '--key');
    assert.match(result.left.message, /does not match the certificate in --cert/);
    assert.ok(E.isRight(checkServerTls({ cert, key }, '--cert', '--key')));
  });
});
