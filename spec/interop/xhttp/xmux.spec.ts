import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import type { ServerEvent } from '../../../src/server/server-events.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import type { XmuxSettings } from '../../../src/settings/xhttp-settings.js';
import { requireBinary } from '../../helpers/binaries.js';
import { writeCertificateFiles, type CertificateFiles } from '../../helpers/cert-files.js';
import { testCertificate } from '../../helpers/certs.js';
import { EchoProbe } from '../../helpers/echo-probe.js';
import { startEchoTarget, type EchoTarget } from '../../helpers/echo-target.js';
import { establishedTo } from '../../helpers/established-sockets.js';
import { eventually } from '../../helpers/eventually.js';
import { stopAfterEach, tempDir, type TempDir } from '../../helpers/process.js';
import { startXrayClient, startXrayServer } from '../../helpers/xray.js';

const HOST = 'tunnel.test';
const PATH = '/tun/';

// XMUX against the real Xray: our client's limits hold at an Xray server (counted by the TCP connections
// Xray holds on its port), and Xray's client, given the same xmux, spreads tunnels over our server the
// way our pool does (the semantics copied from splithttp/mux.go).
describe('interop: XMUX with Xray', function () {
  this.timeout(120_000);
  let dir: TempDir;
  let files: CertificateFiles;
  let certPem: string;
  const keep = stopAfterEach();

  before(async function () {
    requireBinary(this, 'xray');
    dir = await tempDir('xhttp-xmux-');
    const pair = await testCertificate();
    certPem = pair.cert;
    files = await writeCertificateFiles(dir.path, pair);
  });
  after(() => dir?.remove());

  describe('our XHTTP client -> Xray server', () => {
    let echo: EchoTarget;
    let manager: SessionManager;
    let probes: EchoProbe[];

    beforeEach(async () => {
      echo = await startEchoTarget();
      manager = new SessionManager();
      probes = [];
    });
    afterEach(async () => {
      for (const probe of probes) probe.connection.close();
      await manager.close();
      await echo.close();
    });

    const xrayServer = async () => keep(await startXrayServer({ forwardPort: echo.port, xhttp: { host: HOST, path: PATH }, tls: files }));
    const settings = (xmux: XmuxSettings): DialSettings => ({
      host: [HOST],
      path: PATH,
      tls: { ca: certPem, serverName: HOST },
      xhttp: { mode: 'stream-up', xmux },
    });
    const open = async (port: number, count: number, xmux: XmuxSettings): Promise<EchoProbe[]> => {
      const connections = await Promise.all(Array.from({ length: count }, () => openTunnel(`127.0.0.1:${port}`, settings(xmux), { manager })));
      const added = connections.map((connection) => new EchoProbe(connection));
      probes.push(...added);
      await Promise.all(added.map((probe) => probe.alive(10_000)));
      return added;
    };

    it('maxConnections 2: 10 tunnels at once are 2 TCP connections at Xray', async () => {
      const xray = await xrayServer();
      await open(xray.port, 10, { maxConnections: 2 });
      assert.equal(await establishedTo(xray.port, xray.pid), 2);
    });

    it('maxConcurrency 2: 6 tunnels at once are 3 TCP connections at Xray', async () => {
      const xray = await xrayServer();
      await open(xray.port, 6, { maxConcurrency: 2 });
      assert.equal(await establishedTo(xray.port, xray.pid), 3);
    });

    it('cMaxReuseTimes 3: the 4th tunnel is a new TCP connection at Xray, and the first goes once its 3 tunnels end', async () => {
      const xray = await xrayServer();
      const first = await open(xray.port, 3, { maxReuseTimes: 3 });
      assert.equal(await establishedTo(xray.port, xray.pid), 1);
      const [fourth] = await open(xray.port, 1, { maxReuseTimes: 3 });
      assert.equal(await establishedTo(xray.port, xray.pid), 2);
      await Promise.all(first.map((probe) => probe.alive(10_000)));
      for (const probe of first) await probe.end();
      await eventually(() => manager.stats().sessions === 1, 'the retired session to close', 10_000);
      await fourth?.alive(10_000);
      // Xray closes its side once ours went.
      const deadline = Date.now() + 10_000;
      while ((await establishedTo(xray.port, xray.pid)) !== 1) {
        if (Date.now() > deadline) assert.fail(`Xray still holds ${await establishedTo(xray.port, xray.pid)} connections`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
  });

  describe('Xray client -> our XHTTP server: the same xmux spreads tunnels as our pool does', () => {
    let server: TunnelServer;
    let events: ServerEvent[];
    const sockets: net.Socket[] = [];

    beforeEach(async () => {
      server = await listen({ listen: '127.0.0.1:0', tls: await testCertificate(), host: [HOST], path: PATH, xhttp: {} });
      events = [];
      server.events.subscribe((event) => events.push(event));
      server.connections.subscribe((connection) => {
        const duplex = connection.toDuplex();
        duplex.on('error', () => undefined);
        duplex.pipe(duplex);
      });
    });
    afterEach(async () => {
      for (const socket of sockets.splice(0)) socket.destroy();
      await server.close();
    });

    const accepted = () => events.filter((event) => event.type === 'session-opened').length;
    const xrayClient = async (xmux: object) =>
      keep(
        await startXrayClient({
          serverPort: (server.address as net.AddressInfo).port,
          xhttp: { mode: 'stream-up', host: HOST, path: PATH, settings: { xmux } },
          tls: { serverName: HOST, caFile: files.certFile },
        }),
      );
    // One tunnel through Xray's client, kept open, once bytes went through it both ways. One at a time:
    // Xray counts a tunnel as running only after its dial returned, so tunnels dialed at once may all see
    // a connection as idle.
    const tunnel = async (port: number) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      sockets.push(socket);
      await once(socket, 'connect');
      socket.write('ping');
      await once(socket, 'data');
    };

    it('maxConnections 2: 10 tunnels are 2 connections', async () => {
      const xray = await xrayClient({ maxConnections: 2 });
      for (let i = 0; i < 10; i++) await tunnel(xray.port);
      assert.equal(accepted(), 2);
    });

    it('maxConcurrency 2: 6 tunnels are 3 connections', async () => {
      const xray = await xrayClient({ maxConcurrency: 2 });
      for (let i = 0; i < 6; i++) await tunnel(xray.port);
      assert.equal(accepted(), 3);
    });

    it('cMaxReuseTimes 3: the 4th tunnel opens a second connection', async () => {
      const xray = await xrayClient({ cMaxReuseTimes: 3 });
      for (let i = 0; i < 3; i++) await tunnel(xray.port);
      assert.equal(accepted(), 1);
      await tunnel(xray.port);
      assert.equal(accepted(), 2);
    });
  });
});
