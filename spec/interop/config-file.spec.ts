import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { chainSha256 } from '../../src/tls/certificate-pins.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import { writeCertificateFiles } from '../helpers/cert-files.js';
import { testCertificate } from '../helpers/certs.js';
import { freePort, tempDir } from '../helpers/process.js';
import { startUnansweredTarget } from '../helpers/unanswered-target.js';
import { startV2rayConfig } from '../helpers/v2ray.js';
import { assertCarries, configFileSuite } from './fixtures/config-file-suite.js';
import { clientConfigFile, serverConfigFile, type ConfigFileOptions } from './fixtures/v2ray-config-files.js';
import { sendAndCollect, tcpRoundTrip } from './round-trip.js';

const HOST = ['tunnel.test'];
const PATH = '/tun/file';

// The promise of `h2tunnel run -c`: the very file a v2ray user runs, run by h2tunnel instead, at either end.
describe('interop: the same v2ray config file under v2ray and under h2tunnel run -c', function () {
  this.timeout(120_000);
  const suite = configFileSuite('v2ray', 'config-file-');
  const { keep } = suite;

  // The files ask for warnings only; info shows the 'listening' line startCli waits for.
  const h2tunnel = (config: object, name?: string) => suite.h2tunnel(config, ['--log-level', 'info'], name);
  const v2ray = async (config: object, port: number) => keep(await startV2rayConfig(config, port));
  /** Ports and options of a server file and a client file that point at each other. */
  const pair = async (extra: { server?: Partial<ConfigFileOptions>; client?: Partial<ConfigFileOptions> } = {}) => {
    const serverPort = await freePort();
    const clientPort = await freePort();
    return {
      clientPort,
      server: serverConfigFile(suite.files, { port: serverPort, targetPort: suite.echo.port, host: HOST, path: PATH, ...extra.server }),
      client: clientConfigFile({ port: clientPort, targetPort: serverPort, host: HOST, path: PATH, tls: { allowInsecure: true }, ...extra.client }),
      serverPort,
    };
  };
  it('v2ray runs the server file, h2tunnel run -c the client file', async () => {
    const ends = await pair();
    await v2ray(ends.server, ends.serverPort);
    await h2tunnel(ends.client);
    await assertCarries(ends.clientPort);
  });

  it('h2tunnel run -c the server file, v2ray the client file', async () => {
    const ends = await pair();
    await h2tunnel(ends.server);
    await v2ray(ends.client, ends.clientPort);
    await assertCarries(ends.clientPort);
  });

  it('two h2tunnels, each running its v2ray file', async () => {
    const ends = await pair();
    await h2tunnel(ends.server);
    await h2tunnel(ends.client);
    await assertCarries(ends.clientPort);
  });

  it('jsonv5 files (*.v5.json) for each role, against v2ray 4.34 with the v4 file of the other role', async () => {
    const ports = await pair();
    const v5Stream = (security: object) => ({ transport: 'h2', transportSettings: { host: HOST, path: PATH }, security: 'tls', securitySettings: security });
    const serverV5 = {
      log: { error: { level: 'Warning', type: 'Console' }, access: { type: 'None' } },
      inbounds: [
        {
          listen: '127.0.0.1',
          port: String(ports.serverPort),
          protocol: 'dokodemo-door',
          settings: { address: '127.0.0.1', port: suite.echo.port, networks: ['tcp'] },
          streamSettings: v5Stream({ certificate: [{ usage: 'ENCIPHERMENT', certificateFile: suite.files.certFile, keyFile: suite.files.keyFile }] }),
        },
      ],
      outbounds: [{ protocol: 'freedom' }],
    };
    const server = await h2tunnel(serverV5, 'server.v5.json');
    const client = await v2ray(ports.client, ports.clientPort);
    await assertCarries(ports.clientPort);
    await Promise.all([server.stop(), client.stop()]);

    await v2ray(ports.server, ports.serverPort);
    const clientV5 = {
      inbounds: [
        { tag: 'app', listen: '127.0.0.1', port: ports.clientPort, protocol: 'dokodemo-door', settings: { address: '127.0.0.1', port: ports.serverPort } },
      ],
      outbounds: [{ tag: 'tunnel', protocol: 'freedom', streamSettings: v5Stream({ serverName: 'tunnel.test', allowInsecure: true }) }],
      router: { rule: [{ tag: 'tunnel', inboundTag: ['app'] }] },
    };
    await h2tunnel(clientV5, 'client.v5.json');
    await assertCarries(ports.clientPort);
  });

  it("pins from the client's file: the right chain hash carries bytes, a wrong one never reaches the target", async () => {
    const right = chainSha256([new X509Certificate((await testCertificate()).cert).raw]);
    const wrong = chainSha256([new X509Certificate((await selfSignedCertificate(['other.test'])).cert).raw]);
    const good = await pair({ client: { tls: { allowInsecure: true, pinnedPeerCertificateChainSha256: [right] } } });
    await h2tunnel(good.server);
    await h2tunnel(good.client);
    const trip = await tcpRoundTrip(good.clientPort, 256 * 1024);
    assert.equal(trip.receivedSha256, trip.sentSha256);

    const badPort = await freePort();
    const bad = await h2tunnel(
      clientConfigFile({
        port: badPort,
        targetPort: good.serverPort,
        host: HOST,
        path: PATH,
        tls: { allowInsecure: true, pinnedPeerCertificateChainSha256: [wrong] },
      }),
    );
    const before = suite.echo.accepted();
    assert.equal((await sendAndCollect(badPort, Buffer.from('must not arrive'), 20_000)).length, 0);
    assert.equal(suite.echo.accepted(), before);
    assert.match(bad.output(), /TlsVerifyFailed.*pinnedPeerCertificateChainSha256/);
  });

  it('mutual TLS from the files: only a client with a certificate of the verifyclient CA gets a tunnel', async () => {
    const clientPair = await selfSignedCertificate(['client.test'], 30, ['clientAuth']);
    const strangerPair = await selfSignedCertificate(['client.test'], 30, ['clientAuth']);
    const clientDir = await tempDir('config-file-client-');
    const strangerDir = await tempDir('config-file-stranger-');
    try {
      const clientFiles = await writeCertificateFiles(clientDir.path, clientPair);
      const strangerFiles = await writeCertificateFiles(strangerDir.path, strangerPair);
      const ends = await pair({
        server: {
          tls: {
            verifyClientCertificate: true,
            certificates: [
              { certificateFile: suite.files.certFile, keyFile: suite.files.keyFile },
              { usage: 'verifyclient', certificateFile: clientFiles.certFile },
            ],
          },
        },
        client: {
          tls: { allowInsecure: true, certificates: [{ usage: 'encipherment', certificateFile: clientFiles.certFile, keyFile: clientFiles.keyFile }] },
        },
      });
      await h2tunnel(ends.server);
      await h2tunnel(ends.client);
      const trip = await tcpRoundTrip(ends.clientPort, 256 * 1024);
      assert.equal(trip.receivedSha256, trip.sentSha256);

      for (const certificates of [[], [{ certificateFile: strangerFiles.certFile, keyFile: strangerFiles.keyFile }]]) {
        const port = await freePort();
        await h2tunnel(clientConfigFile({ port, targetPort: ends.serverPort, host: HOST, path: PATH, tls: { allowInsecure: true, certificates } }));
        const before = suite.echo.accepted();
        assert.equal((await sendAndCollect(port, Buffer.from('must not arrive'), 20_000)).length, 0);
        assert.equal(suite.echo.accepted(), before, 'a client without an accepted certificate reached the forward target');
      }
    } finally {
      await clientDir.remove();
      await strangerDir.remove();
    }
  });

  it("the file's policy handshake sets the forward connect timeout, against a target whose accept queue is full", async () => {
    const target = await startUnansweredTarget();
    try {
      const ends = await pair({ server: { targetPort: target.port, policy: { levels: { '0': { handshake: 1, connIdle: 30 } } } } });
      const server = await h2tunnel(ends.server);
      await h2tunnel(ends.client);
      const started = Date.now();
      assert.equal((await sendAndCollect(ends.clientPort, Buffer.from('hello'), 20_000)).length, 0);
      const elapsed = Date.now() - started;
      assert.match(server.output(), /connecting to the forward target timed out after 1000 ms/);
      assert.ok(elapsed < 8_000, `the tunnel ended after ${elapsed} ms; the default connect timeout is 10 s`);
    } finally {
      await target.close();
    }
  });
});
