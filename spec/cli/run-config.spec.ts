import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { writeCertificateFiles, type CertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { freePort, tempDir, type TempDir } from '../helpers/process.js';
import { clientConfigFile, serverConfigFile } from '../interop/fixtures/v2ray-config-files.js';
import { runCli } from './support/cli-process.js';

// `h2tunnel run`: checking a whole file, v2ray's own spellings, and nothing left half-started.
describe('h2tunnel run -c', function () {
  this.timeout(60_000);
  let dir: TempDir;
  let files: CertificateFiles;
  let busy: Server;
  let busyPort: number;

  before(async () => {
    dir = await tempDir('cli-run-');
    files = await writeCertificateFiles(dir.path, await testCertificate());
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => busy?.close(() => resolve()));
    await dir?.remove();
  });

  const file = async (name: string, config: unknown) => {
    const path = join(dir.path, name);
    await writeFile(path, typeof config === 'string' ? config : JSON.stringify(config));
    return path;
  };
  const server = (port: number) => serverConfigFile(files, { port, targetPort: 9, host: ['tunnel.test'], path: '/tun' });

  it('-test checks the file, says what it would run and exits 0; v2ray 4.x spelling (-config … -test) too', async () => {
    const path = await file('ok.json', server(await freePort()));
    for (const args of [
      ['run', '-c', path, '--test'],
      ['-config', path, '-test'],
      ['run', '--config=' + path, '-test'],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Configuration OK: inbounds\[0\] \(tag "tunnel-in"\): server 127\.0\.0\.1:\d+ \(TLS\) → forwards to 127\.0\.0\.1:9\n$/);
    }
  });

  it('reads comments, and merges several files as v2ray does', async () => {
    const base = await file('base.json', `{ // the server\n "inbounds": ${JSON.stringify((server(await freePort()) as { inbounds: unknown }).inbounds)} }`);
    const more = await file('more.json', { outbounds: [{ protocol: 'freedom' }], log: { loglevel: 'debug' } });
    const result = await runCli(['run', '-c', base, '-c', more, '-test']);
    assert.equal(result.code, 0, result.stderr);
  });

  const refusals: readonly (readonly [string, unknown, RegExp])[] = [
    [
      'a vmess outbound',
      { inbounds: [{ port: 1, protocol: 'dokodemo-door', settings: { address: '127.0.0.1', port: 2 } }], outbounds: [{ tag: 'proxy', protocol: 'vmess' }] },
      /^h2tunnel: bad\.json: outbounds\[0\] \(tag "proxy"\): protocol "vmess" is not supported; h2tunnel carries raw TCP over the http transport or XHTTP \(dokodemo-door ↔ freedom\)\n$/,
    ],
    ['broken JSON', '{ "inbounds": [', /^h2tunnel: --config: .*bad\.json is not valid JSON/],
    [
      'a certificate file that does not exist',
      serverConfigFile({ certFile: '/nonexistent/cert.pem', keyFile: '/nonexistent/key.pem' }, { port: 1, targetPort: 9, host: [], path: '/' }),
      /^h2tunnel: bad\.json: inbounds\[0\]\.streamSettings\.tlsSettings\.certificates\[0\]\.certificateFile: cannot read \/nonexistent\/cert\.pem: no such file\n$/,
    ],
    [
      'a client outbound without TLS',
      {
        ...clientConfigFile({ port: 1, targetPort: 2, host: [], path: '/' }),
        outbounds: [{ tag: 'tunnel', protocol: 'freedom', streamSettings: { network: 'http' } }],
      },
      /^h2tunnel: bad\.json: inbounds\[0\] \(tag "app"\) → outbounds\[0\] \(tag "tunnel"\): TLS must be enabled for http transport\./,
    ],
    [
      'a jsonv5 log section in a file read as v4',
      {
        ...serverConfigFile({ certFile: 'cert.pem', keyFile: 'key.pem' }, { port: 1, targetPort: 9, host: [], path: '/' }),
        log: { error: { type: 'Console', level: 'Warning' } },
      },
      /^h2tunnel: bad\.json: log\.error: must be a string, got an object \(this looks like a jsonv5 config: pass --format jsonv5 or name it \*\.v5\.json\)\n$/,
    ],
  ];
  for (const [what, config, message] of refusals) {
    it(`refuses ${what}: exit 2, one line, under -test and when run alike`, async () => {
      const path = await file('bad.json', config);
      for (const args of [
        ['run', '-c', path, '-test'],
        ['run', '-c', path],
      ]) {
        const result = await runCli(args);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, message);
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
        assert.equal(result.stdout, '');
      }
    });
  }

  it('a part that cannot bind stops the whole run with exit 2 instead of serving the other parts', async () => {
    const config = server(await freePort()) as { inbounds: object[] };
    const second = { ...(server(busyPort) as { inbounds: object[] }).inbounds[0], tag: 'second' };
    const path = await file('two.json', { ...config, inbounds: [...config.inbounds, second] });
    const result = await runCli(['run', '-c', path]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /in use|EADDRINUSE/);
  });

  it('--stream-settings handed a whole config points at run -c', async () => {
    const path = await file('whole.json', server(await freePort()));
    const result = await runCli(['server', '--listen', '127.0.0.1:0', '--forward', '127.0.0.1:9', '--stream-settings', path]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /h2tunnel run -c FILE/);
  });
});
