import assert from 'node:assert/strict';
import { requireBinary } from '../helpers/binaries.js';
import { startCaddy } from '../helpers/caddy.js';
import { writeCertificateFiles, type CertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { startEchoTarget, type EchoTarget } from '../helpers/echo-target.js';
import { onFreePort, stopAfterEach, tempDir, type RunningProcess } from '../helpers/process.js';
import { startV2rayClient, startV2rayServer } from '../helpers/v2ray.js';
import { startCli } from './fixtures/start-cli.js';
import { sendAndCollect, tcpRoundTrip, throughput } from './round-trip.js';

const HOSTS = ['tunnel.test', 'cdn.tunnel.test'];
const PATH = '/tun/v2';

// The `h2tunnel` command line itself as either end of a v2ray http-transport deployment.
describe('interop: the h2tunnel CLI with real v2ray and Caddy', function () {
  this.timeout(120_000);
  let echo: EchoTarget;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let files: CertificateFiles;
  const keep = stopAfterEach();

  before(async function () {
    requireBinary(this, 'v2ray');
    requireBinary(this, 'caddy');
    echo = await startEchoTarget();
    dir = await tempDir('cli-interop-');
    files = await writeCertificateFiles(dir.path, await testCertificate());
  });

  after(async () => {
    await echo?.close();
    await dir?.remove();
  });

  const cli = (args: (port: number) => readonly string[]): Promise<{ port: number; child: RunningProcess }> =>
    onFreePort(async (port) => {
      const child = keep(await startCli(args(port)));
      return { port, child };
    });
  /** `h2tunnel server` args: listen on `port`, forward to the echo target, HOSTS and PATH; `security` is `--h2c` or the cert flags. */
  const echoServer = (port: number, security: readonly string[]): readonly string[] => [
    'server',
    '--listen',
    `127.0.0.1:${port}`,
    ...security,
    '--forward',
    `127.0.0.1:${echo.port}`,
    '--host',
    HOSTS.join(','),
    '--path',
    PATH,
  ];

  it('h2tunnel client -> v2ray server (TLS, verified against our CA): bytes intact', async () => {
    const v2ray = keep(await startV2rayServer({ tls: files, host: HOSTS, path: PATH, forwardPort: echo.port }));
    const { port } = await cli((port) => [
      'client',
      '--listen',
      `127.0.0.1:${port}`,
      '--server',
      `127.0.0.1:${v2ray.port}`,
      '--server-name',
      'tunnel.test',
      '--ca',
      files.certFile,
      '--host',
      HOSTS.join(','),
      '--path',
      PATH,
    ]);
    const trip = await tcpRoundTrip(port, 8 * 1024 * 1024, 60_000);
    assert.equal(trip.receivedSha256, trip.sentSha256);
    console.log(`      h2tunnel client -> v2ray server: 8 MiB echoed at ${throughput(trip)} MB/s each way`);
  });

  it('v2ray client -> h2tunnel server --cert --key: bytes intact', async () => {
    const { port } = await cli((port) => echoServer(port, ['--cert', files.certFile, '--key', files.keyFile]));
    const v2ray = keep(await startV2rayClient({ serverPort: port, host: HOSTS, path: PATH, tls: { serverName: 'tunnel.test', allowInsecure: true } }));
    const trip = await tcpRoundTrip(v2ray.port, 8 * 1024 * 1024, 60_000);
    assert.equal(trip.receivedSha256, trip.sentSha256);
  });

  it('v2ray client -> Caddy -> h2tunnel server --h2c: bytes intact; a wrong path is logged as a 404', async () => {
    const { port, child: server } = await cli((port) => echoServer(port, ['--h2c']));
    const caddy = keep(await startCaddy({ tls: files, upstreamPort: port }));
    const v2ray = keep(await startV2rayClient({ serverPort: caddy.port, host: HOSTS, path: PATH, tls: { serverName: 'tunnel.test', allowInsecure: true } }));
    const trip = await tcpRoundTrip(v2ray.port, 4 * 1024 * 1024, 60_000);
    assert.equal(trip.receivedSha256, trip.sentSha256);

    const wrong = keep(
      await startV2rayClient({ serverPort: caddy.port, host: HOSTS, path: '/elsewhere', tls: { serverName: 'tunnel.test', allowInsecure: true } }),
    );
    const echoedBefore = echo.accepted();
    const received = await sendAndCollect(wrong.port, Buffer.from('must not arrive'), 20_000);
    assert.equal(received.length, 0);
    assert.equal(echo.accepted(), echoedBefore, 'a rejected tunnel never reaches --forward');
    const deadline = Date.now() + 5_000;
    while (!/tunnel rejected/.test(server.output()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const line = server
      .output()
      .split('\n')
      .find((text) => text.includes('tunnel rejected'));
    assert.ok(line !== undefined, `no rejection logged:\n${server.output()}`);
    assert.match(line, /404/);
    assert.match(line, /\/elsewhere/);
  });
});
