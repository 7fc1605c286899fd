import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { findBinary, requireBinary } from '../helpers/binaries.js';
import { writeCertificateFiles, type CertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { startEchoTarget, type EchoTarget } from '../helpers/echo-target.js';
import { eventually } from '../helpers/eventually.js';
import { listeningInodes, listenersOn, waitForOwnListener } from '../helpers/listening-sockets.js';
import { startProcess, stopAfterEach, tempDir, type TempDir } from '../helpers/process.js';
import { startV2flyClient, startV2flyConfig, startV2flyServer, v2flyServerConfig } from '../helpers/v2fly.js';
import { startXrayClient, startXrayConfig, startXrayServer, xrayServerConfig } from '../helpers/xray.js';
import { tcpRoundTrip } from './round-trip.js';

describe('helpers: listeningInodes reads /proc/net/tcp', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:481B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:481B 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1',
    '   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0',
  ].join('\n');

  it('finds the LISTEN sockets of a port, not its connections or other ports', () => {
    assert.deepEqual(listeningInodes(table, 0x481b), ['4242']);
    assert.deepEqual(listeningInodes(table, 80), ['4444']);
    assert.deepEqual(listeningInodes(table, 81), []);
  });
});

// The helpers themselves: each peer starts on its own port, carries a tunnel both as client and as server,
// refuses a port another program holds, and leaves nothing listening once stopped.
describe('helpers: v2fly v5 and Xray on loopback', function () {
  this.timeout(60_000);
  let echo: EchoTarget;
  let dir: TempDir;
  let files: CertificateFiles;
  const keep = stopAfterEach();

  before(async function () {
    requireBinary(this, 'v2fly');
    requireBinary(this, 'xray');
    echo = await startEchoTarget();
    dir = await tempDir('go-peers-');
    files = await writeCertificateFiles(dir.path, await testCertificate());
  });
  after(async () => {
    await echo?.close();
    await dir?.remove();
  });

  it('v2fly client → v2fly server (TLS) carries bytes, and stop() frees both ports', async () => {
    const server = keep(await startV2flyServer({ tls: files, host: ['tunnel.test'], path: '/tun', forwardPort: echo.port }));
    const client = keep(
      await startV2flyClient({ serverPort: server.port, host: ['tunnel.test'], path: '/tun', tls: { serverName: 'tunnel.test', caFile: files.certFile } }),
    );
    assert.notEqual(client.port, server.port);
    const trip = await tcpRoundTrip(client.port, 256 * 1024);
    assert.equal(trip.receivedSha256, trip.sentSha256);
    await Promise.all([client.stop(), server.stop()]);
    assert.equal((await listenersOn(server.port)).size, 0);
    assert.equal((await listenersOn(client.port)).size, 0);
  });

  it('Xray client → Xray server (XHTTP stream-one, TLS) carries bytes', async () => {
    const xhttp = { host: 'tunnel.test', path: '/tun/' };
    const server = keep(await startXrayServer({ forwardPort: echo.port, xhttp, tls: files }));
    const client = keep(
      await startXrayClient({ serverPort: server.port, xhttp: { ...xhttp, mode: 'stream-one' }, tls: { serverName: 'tunnel.test', caFile: files.certFile } }),
    );
    const trip = await tcpRoundTrip(client.port, 256 * 1024);
    assert.equal(trip.receivedSha256, trip.sentSha256);
  });

  it('refuses a port another program listens on, rather than sharing it by SO_REUSEPORT', async () => {
    const holder = await listenOnFreePort();
    try {
      const port = portOf(holder);
      await assert.rejects(startV2flyConfig(v2flyServerConfig({ forwardPort: echo.port }, port), port), /address already in use/);
      await assert.rejects(startXrayConfig(xrayServerConfig({ forwardPort: echo.port }, port), port), /address already in use/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('refuses a port another Go peer took, even though both would bind it with SO_REUSEPORT', async () => {
    const first = keep(await startXrayServer({ forwardPort: echo.port }));
    await assert.rejects(startXrayConfig(xrayServerConfig({ forwardPort: echo.port }, first.port), first.port), /address already in use/);
  });

  it('a second Go peer that got onto a taken port after all is caught once it listens', async () => {
    // The race runGoPeer's first check cannot close: another peer binds between that check and the start.
    const first = keep(await startXrayServer({ forwardPort: echo.port }));
    const configDir = keep(await scratch());
    const file = join(configDir.path, 'second.json');
    await writeFile(file, JSON.stringify(xrayServerConfig({ forwardPort: echo.port }, first.port)));
    const second = keep(startProcess(findBinary('xray') ?? 'xray', ['run', '-c', file]));
    await assert.rejects(waitForOwnListener(second, first.port, 15_000), /address already in use by another process/);
  });

  it('a peer whose test process is killed outright stops too, instead of holding its port forever', async () => {
    // The test process as mocha's timeout or a ^C leaves it: SIGKILLed, no after() hook run.
    const helper = new URL('../helpers/xray.ts', import.meta.url).pathname;
    const code = `import { startXrayServer } from ${JSON.stringify(helper)};
      const xray = await startXrayServer({ forwardPort: ${echo.port} });
      console.log(JSON.stringify({ port: xray.port }));`;
    const owner = keep(startProcess(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code]));
    await eventually(() => /"port":\d+/.test(owner.output()), 'the xray started by the doomed process', 20_000);
    const port = Number(/"port":(\d+)/.exec(owner.output())?.[1]);
    assert.ok((await listenersOn(port)).size > 0);
    owner.child.kill('SIGKILL');
    await owner.exited;
    const stopped = Date.now() + 10_000;
    while ((await listenersOn(port)).size > 0 && Date.now() < stopped) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await listenersOn(port)).size, 0, `xray still listens on ${port} after its test process died`);
  });

  it('a config the peer refuses fails the start with its output, leaving nothing running', async () => {
    const holder = await listenOnFreePort();
    const port = portOf(holder);
    await new Promise((resolve) => holder.close(resolve));
    const bad = { inbounds: [{ protocol: 'dokodemo-door', listen: '127.0.0.1', port, settings: { networkz: ['tcp'] } }] };
    await assert.rejects(startV2flyConfig(bad, port), /exited before listening[\s\S]*networkz/);
    assert.equal((await listenersOn(port)).size, 0);
  });
});

/** A temp dir that stopAfterEach can remove. */
async function scratch(): Promise<TempDir & { output(): string; stop(): Promise<void> }> {
  const made = await tempDir('go-peers-second-');
  return { ...made, output: () => '', stop: () => made.remove() };
}

function listenOnFreePort(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
