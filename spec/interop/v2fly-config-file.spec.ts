import assert from 'node:assert/strict';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import { writeCertificateFiles } from '../helpers/cert-files.js';
import { eventually } from '../helpers/eventually.js';
import { freePort, tempDir } from '../helpers/process.js';
import { startV2flyConfig, v2flyClientConfig, v2flyServerConfig } from '../helpers/v2fly.js';
import { assertCarries, assertIntact, configFileSuite } from './fixtures/config-file-suite.js';
import { inParallel, sendAndCollect, tunnelRoundTrip } from './round-trip.js';

const HOST = ['tunnel.test'];
const PATH = '/tun/file';
const MiB = 1024 * 1024;

// The promise of `h2tunnel run -c FILE -format jsonv5`: the very jsonv5 file `v2fly run -c FILE -format jsonv5`
// runs, run by h2tunnel instead, at either end, against the real v2fly v5.52.0 at the other.
describe('interop: the same jsonv5 file under v2fly v5 and under h2tunnel run -c -format jsonv5', function () {
  this.timeout(120_000);
  const suite = configFileSuite('v2fly', 'v2fly-config-file-');
  const { keep } = suite;

  // Named config-N.json, not *.v5.json: the format comes from -format, as v2fly is told.
  const h2tunnel = (config: object) => suite.h2tunnel(config, ['-format', 'jsonv5']);
  const v2fly = async (config: object, port: number) => keep(await startV2flyConfig(config, port));
  /** A server file and a client file that point at each other; the client's Host can differ from the server's list. */
  const pair = async (options: { tls?: boolean; clientHost?: readonly string[] } = {}) => {
    const serverPort = await freePort();
    const clientPort = await freePort();
    const tls = options.tls ?? true;
    return {
      serverPort,
      clientPort,
      server: v2flyServerConfig({ tls: tls ? suite.files : undefined, host: HOST, path: PATH, forwardPort: suite.echo.port }, serverPort),
      client: v2flyClientConfig(
        { serverPort, host: options.clientHost ?? HOST, path: PATH, tls: { serverName: 'tunnel.test', caFile: suite.files.certFile } },
        clientPort,
      ),
    };
  };
  describe('TLS', () => {
    it('v2fly runs the server file, h2tunnel the client file', async () => {
      const ends = await pair();
      await v2fly(ends.server, ends.serverPort);
      await h2tunnel(ends.client);
      await assertCarries(ends.clientPort);
    });

    it('h2tunnel runs the server file, v2fly the client file', async () => {
      const ends = await pair();
      await h2tunnel(ends.server);
      await v2fly(ends.client, ends.clientPort);
      await assertCarries(ends.clientPort);
    });

    it('h2tunnel runs both files', async () => {
      const ends = await pair();
      await h2tunnel(ends.server);
      await h2tunnel(ends.client);
      await assertCarries(ends.clientPort);
    });

    it("a client file with a Host outside the server's list gets 404 from h2tunnel's server; nothing reaches the target", async () => {
      const ends = await pair({ clientHost: ['stranger.test'] });
      const server = await h2tunnel(ends.server);
      await v2fly(ends.client, ends.clientPort);
      const before = suite.echo.accepted();
      assert.equal((await sendAndCollect(ends.clientPort, Buffer.from('must not arrive'), 20_000)).length, 0);
      await eventually(() => /"status":404.*"reason":"host".*"msg":"tunnel rejected"/.test(server.output()), 'the 404 in the server log', 10_000);
      assert.equal(suite.echo.accepted(), before);
    });

    it("a client file with a Host outside the server's list gets 404 from v2fly's server; h2tunnel's client says so", async () => {
      const ends = await pair({ clientHost: ['stranger.test'] });
      await v2fly(ends.server, ends.serverPort);
      const client = await h2tunnel(ends.client);
      const before = suite.echo.accepted();
      assert.equal((await sendAndCollect(ends.clientPort, Buffer.from('must not arrive'), 20_000)).length, 0);
      await eventually(() => /unexpected status 404/.test(client.output()), 'the 404 in the client log', 10_000);
      assert.equal(suite.echo.accepted(), before);
    });
  });

  // v2fly's client refuses the http transport without TLS, and so does h2tunnel's run -c: the h2c server
  // file is dialed by our library client with h2c asked for explicitly.
  describe('h2c server file', () => {
    const manager = new SessionManager();
    after(() => manager.close());
    const dialCarries = async (port: number) => {
      const dialing = () => dial(`127.0.0.1:${port}`, { host: HOST, path: PATH, h2c: true }, { manager });
      assertIntact([await tunnelRoundTrip(dialing(), 8 * MiB)]);
      assertIntact(await inParallel(50, 50, () => tunnelRoundTrip(dialing(), 64 * 1024)));
    };

    for (const runner of ['v2fly', 'h2tunnel'] as const) {
      it(`run by ${runner}: 8 MiB and 50 tunnels at once from our h2c client`, async () => {
        const ends = await pair({ tls: false });
        if (runner === 'v2fly') await v2fly(ends.server, ends.serverPort);
        else await h2tunnel(ends.server);
        await dialCarries(ends.serverPort);
      });
    }
  });

  it('a client file whose AUTHORITY_VERIFY certificate is another CA gets nothing through, under either program', async () => {
    const strangerDir = await tempDir('v2fly-config-file-stranger-');
    try {
      const stranger = await writeCertificateFiles(strangerDir.path, await selfSignedCertificate(['tunnel.test']));
      const ends = await pair();
      await h2tunnel(ends.server);
      const client = (port: number) =>
        v2flyClientConfig({ serverPort: ends.serverPort, host: HOST, path: PATH, tls: { serverName: 'tunnel.test', caFile: stranger.certFile } }, port);
      const v2flyPort = await freePort();
      await v2fly(client(v2flyPort), v2flyPort);
      const h2tunnelPort = await freePort();
      const ours = await h2tunnel(client(h2tunnelPort));
      const before = suite.echo.accepted();
      for (const port of [v2flyPort, h2tunnelPort]) assert.equal((await sendAndCollect(port, Buffer.from('must not arrive'), 20_000)).length, 0);
      assert.equal(suite.echo.accepted(), before);
      await eventually(() => /TlsVerifyFailed/.test(ours.output()), "h2tunnel's verification failure in its log", 10_000);
    } finally {
      await strangerDir.remove();
    }
  });
});
