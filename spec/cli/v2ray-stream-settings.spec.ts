import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireBinary } from '../helpers/binaries.js';
import { writeCertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { startEchoTarget, type EchoTarget } from '../helpers/echo-target.js';
import { tempDir } from '../helpers/process.js';
import { startV2rayServer, type V2rayInstance } from '../helpers/v2ray.js';
import { portOf, startCli, type CliProcess } from './support/cli-process.js';
import { echoThrough } from './support/echo-client.js';

// A v2ray user keeps their JSON: h2tunnel client configured only by a v2ray streamSettings file, talking
// to a real v2ray 4.34 server (dokodemo-door over the http transport) that forwards to a TCP echo.
describe('h2tunnel client --stream-settings against a real v2ray 4.34 server', function () {
  this.timeout(90_000);
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let echo: EchoTarget;
  let v2ray: V2rayInstance;
  const running: CliProcess[] = [];

  before(async function () {
    requireBinary(this, 'v2ray');
    dir = await tempDir('cli-v2ray-');
    const files = await writeCertificateFiles(dir.path, await testCertificate());
    echo = await startEchoTarget();
    v2ray = await startV2rayServer({ tls: files, host: ['tunnel.test', 'cdn.tunnel.test'], path: '/tun/v2', forwardPort: echo.port });
  });

  after(async () => {
    await Promise.all(running.map((cli) => cli.kill()));
    await v2ray?.stop();
    await echo?.close();
    await dir?.remove();
  });

  const client = async (streamSettings: object) => {
    const file = join(dir.path, `client-${running.length}.json`);
    await writeFile(file, JSON.stringify(streamSettings, null, 2));
    const cli = startCli(['client', '--listen', '127.0.0.1:0', '--server', `127.0.0.1:${v2ray.port}`, '--stream-settings', file, '--log-level', 'debug']);
    running.push(cli);
    return { cli, port: portOf(await cli.waitFor((l) => l.msg === 'client listening', 'client listening')) };
  };

  it('carries bytes with the certificate verified through a "verify" entry (relative path, as in a v2ray config dir)', async () => {
    const { cli, port } = await client({
      network: 'http',
      security: 'tls',
      httpSettings: { host: ['tunnel.test', 'cdn.tunnel.test'], path: '/tun/v2', read_idle_timeout: 10, health_check_timeout: 15 },
      tlsSettings: { serverName: 'tunnel.test', allowInsecure: false, certificates: [{ usage: 'verify', certificateFile: 'cert.pem' }] },
    });
    const results = await Promise.all([1, 2, 3].map(() => echoThrough(port, 768 * 1024)));
    results.forEach((result) => assert.ok(result.matches, `echo of ${result.sent} came back as ${result.received}\n${v2ray.output()}`));
    assert.equal(cli.lines.filter((l) => l.msg === 'session opened').length, 1);
  });

  it('carries bytes with allowInsecure, warning at start, and ignores sockopt with a warning', async () => {
    const { cli, port } = await client({
      network: 'http',
      security: 'tls',
      httpSettings: { host: 'tunnel.test', path: '/tun/v2' },
      tlsSettings: { serverName: 'tunnel.test', allowInsecure: true },
      sockopt: { mark: 0 },
    });
    assert.ok((await echoThrough(port, 200_000)).matches);
    assert.ok(cli.lines.some((l) => l.level === 'warn' && /--insecure/.test(String(l.msg))));
    assert.ok(cli.lines.some((l) => l.level === 'warn' && /sockopt/.test(String(l.msg))));
  });

  it('a path v2ray does not serve fails the tunnel with a logged typed error', async () => {
    const { cli, port } = await client({
      network: 'http',
      security: 'tls',
      httpSettings: { host: ['tunnel.test'], path: '/other' },
      tlsSettings: { serverName: 'tunnel.test', allowInsecure: true },
    });
    await assert.rejects(echoThrough(port, 1024));
    const failed = await cli.waitFor((l) => l.msg === 'tunnel failed to open', 'the failure line');
    assert.equal(failed.code, 'H2T_ERR_STATUS');
  });
});
