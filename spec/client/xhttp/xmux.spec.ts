import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SessionManager, type SessionEvent } from '../../../src/client/pool/session-manager.js';
import { openTunnel } from '../../../src/client/open-tunnel.js';
import type { ServerEvent } from '../../../src/server/server-events.js';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import type { XhttpMode, XmuxSettings } from '../../../src/settings/xhttp-settings.js';
import { testCertificate } from '../../helpers/certs.js';
import { EchoProbe } from '../../helpers/echo-probe.js';
import { establishedTo } from '../../helpers/established-sockets.js';
import { countingRelay } from '../../helpers/counting-relay.js';
import { eventually } from '../../helpers/eventually.js';

// XMUX on XHTTP over HTTP/2, against our XHTTP server on real sockets: the pool counts a split tunnel's
// GET and POSTs as Xray does (one tunnel where the first request went, each request where it goes).
describe('XHTTP: XMUX reuse limits over HTTP/2', function () {
  this.timeout(30_000);
  let server: TunnelServer;
  let serverEvents: ServerEvent[];
  let manager: SessionManager;
  let events: SessionEvent[];
  let probes: EchoProbe[];
  let ca: string;

  beforeEach(async () => {
    const cert = await testCertificate();
    ca = cert.cert;
    server = await listen({ listen: '127.0.0.1:0', tls: cert, host: ['tunnel.test'], path: '/tun/', xhttp: {} });
    serverEvents = [];
    server.events.subscribe((event) => serverEvents.push(event));
    server.connections.subscribe((connection) => {
      const duplex = connection.toDuplex();
      duplex.on('error', () => undefined);
      duplex.pipe(duplex);
    });
    manager = new SessionManager();
    events = [];
    probes = [];
    manager.events.subscribe((event) => events.push(event));
  });
  afterEach(async () => {
    for (const probe of probes) probe.connection.close();
    await manager.close();
    await server.close();
  });

  const port = () => (server.address as AddressInfo).port;
  const accepted = () => serverEvents.filter((event) => event.type === 'session-opened').length;
  const opened = () => events.filter((event) => event.type === 'opened').map((event) => event.id);
  const closed = (session: number | undefined) => events.some((event) => event.type === 'closed' && event.id === session);
  const settings = (mode: XhttpMode, xmux?: XmuxSettings): DialSettings => ({
    host: ['tunnel.test'],
    path: '/tun/',
    tls: { ca, serverName: 'tunnel.test' },
    xhttp: { mode, ...(xmux === undefined ? {} : { xmux }) },
  });
  const open = async (count: number, given: DialSettings): Promise<EchoProbe[]> => {
    const connections = await Promise.all(Array.from({ length: count }, () => openTunnel(`127.0.0.1:${port()}`, given, { manager })));
    const added = connections.map((connection) => new EchoProbe(connection));
    probes.push(...added);
    return added;
  };

  it("without xmux, Xray's defaults: 10 stream-up tunnels at once open exactly 3 connections", async () => {
    const tunnels = await open(10, settings('stream-up'));
    await Promise.all(tunnels.map((probe) => probe.alive()));
    assert.equal(accepted(), 3);
    assert.equal(await establishedTo(port()), 3);
    assert.equal(new Set(tunnels.map((probe) => probe.session)).size, 3);
  });

  it('maxConcurrency 2: 6 stream-up tunnels (a GET and a POST each) open 3 connections: it counts tunnels, not requests', async () => {
    const tunnels = await open(6, settings('stream-up', { maxConcurrency: 2 }));
    await Promise.all(tunnels.map((probe) => probe.alive()));
    assert.equal(accepted(), 3);
    assert.equal(await establishedTo(port()), 3);
  });

  it('maxReuseTimes 2: the 3rd stream-up tunnel opens a new connection; the first closes once its two tunnels end', async () => {
    const given = settings('stream-up', { maxReuseTimes: 2 });
    const firstTwo = await open(2, given);
    const home = firstTwo[0]?.session;
    assert.equal(firstTwo[1]?.session, home);
    const [third] = await open(1, given);
    assert.notEqual(third?.session, home);
    assert.equal(accepted(), 2);
    await Promise.all(firstTwo.map((probe) => probe.alive()));
    for (const probe of firstTwo) await probe.end();
    await eventually(() => closed(home), 'the retired connection to close once its tunnels ended');
    await third?.alive();
  });

  it("maxRequestTimes 4: a packet-up tunnel's POSTs move to a new connection after its GET and 3 POSTs; the first keeps the GET until the tunnel ends", async () => {
    const [probe] = await open(1, settings('packet-up', { maxRequestTimes: 4 }));
    assert.ok(probe !== undefined);
    const home = probe.session;
    // One packet at a time: each ping is one POST, answered before the next goes.
    for (let i = 0; i < 3; i++) await probe.alive();
    assert.deepEqual(opened(), [home]);
    for (let i = 0; i < 3; i++) await probe.alive();
    assert.equal(opened().length, 2);
    assert.equal(accepted(), 2);
    assert.ok(events.some((event) => event.type === 'evicted' && event.id === home && /made 4 requests/.test(event.reason.message)));
    assert.equal(closed(home), false, 'the download still runs on the first connection');
    await probe.end();
    await eventually(() => closed(home), 'the first connection to close with the tunnel');
  });

  it('hMaxReusableSecs: a tunnel after the age goes to a new connection; the old one closes when its tunnel ends', async () => {
    const given = settings('stream-up', { maxReusableMs: 300 });
    const [early] = await open(1, given);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const [late] = await open(1, given);
    assert.notEqual(late?.session, early?.session);
    await early?.alive();
    await early?.end();
    await eventually(() => closed(early?.session), 'the aged connection to close once idle');
    await late?.alive();
  });

  it("over HTTP/1.1, maxRequestTimes 2 caps each keep-alive connection of a tunnel's packets at 2 POSTs", async () => {
    const clear = await listen({ listen: '127.0.0.1:0', h2c: true, host: ['tunnel.test'], path: '/tun/', xhttp: {} });
    clear.connections.subscribe((connection) => {
      const duplex = connection.toDuplex();
      duplex.on('error', () => undefined);
      duplex.pipe(duplex);
    });
    const relay = await countingRelay((clear.address as AddressInfo).port);
    try {
      const given = { host: ['tunnel.test'], path: '/tun/', xhttp: { mode: 'packet-up' as const, xmux: { maxRequestTimes: 2 } } };
      const probe = new EchoProbe(await openTunnel(`127.0.0.1:${relay.port}`, given, { manager }));
      probes.push(probe);
      // One POST at a time, its answer read before the next goes, so a socket is free for reuse.
      for (let i = 0; i < 6; i++) {
        await probe.alive();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The GET's own connection, and 6 POSTs on connections of 2 each.
      assert.equal(relay.accepted(), 1 + 3);
      await probe.end();
    } finally {
      await relay.close();
      await clear.close();
    }
  });
});
