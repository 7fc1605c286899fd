import { strict as assert } from 'node:assert';
import { managerPerTest } from '../reliability/support/manager-per-test.js';
import { startOurServer, type OurServer } from '../reliability/support/our-server.js';
import { rapidReset } from '../reliability/support/rapid-reset.js';
import { openTunnel, roundTrip } from '../reliability/support/tunnels.js';
import { eventually } from '../helpers/eventually.js';

describe('server: streams the client resets', function () {
  this.timeout(20_000);
  let ours: OurServer;
  const client = managerPerTest(() => ours.close());
  const attack = (pairs: number) =>
    rapidReset({ port: ours.port, tls: false, authority: 'tunnel.test', path: '/tun', pairs, sessions: 1, localAddress: '127.0.0.1', deadlineMs: 10_000 });

  it('a stream reset in the same packet as its HEADERS never reaches the application', async () => {
    // A budget the attack stays inside: only the deferred hand-over keeps the application out of it.
    ours = await startOurServer({ h2c: true, maxResetBurst: 100_000 });
    const result = await attack(500);
    assert.equal(result.sent, 500);
    assert.equal(ours.accepted.length, 0, `${ours.accepted.length} reset streams were handed to the application`);
    // The session is still good for real tunnels.
    const connection = await openTunnel(client.manager, ours.address, { host: ['tunnel.test'], path: '/tun', h2c: true });
    assert.equal((await roundTrip(connection, Buffer.from('after'))).toString(), 'after');
  });

  it('a session that resets more than the burst is closed with GOAWAY(ENHANCE_YOUR_CALM); others carry on', async () => {
    ours = await startOurServer({ h2c: true, maxResetBurst: 50, maxResetsPerSecond: 1 });
    const bystander = await openTunnel(client.manager, ours.address, { host: ['tunnel.test'], path: '/tun', h2c: true });
    // Just past the burst, in one write: the server has read it all when it hangs up, so it closes with a
    // FIN behind its GOAWAY rather than a RST that could overtake it.
    const result = await attack(60);
    assert.deepEqual(result.goawayCodes, [11]);
    assert.ok(
      ours.events.some((e) => e.type === 'error' && /streams reset by the client/.test(e.error.message)),
      'no event says why the session was closed',
    );
    await eventually(() => ours.server.stats().sessions === 1, 'the abusive session to be gone', 3_000);
    assert.equal((await roundTrip(bystander, Buffer.from('unharmed'))).toString(), 'unharmed');
  });

  it('a client cancelling its own tunnels within the budget keeps its session', async () => {
    ours = await startOurServer({ h2c: true, maxResetBurst: 100, maxResetsPerSecond: 1 });
    const settings = { host: ['tunnel.test'], path: '/tun', h2c: true } as const;
    const tunnels = await Promise.all(Array.from({ length: 80 }, () => openTunnel(client.manager, ours.address, settings)));
    await eventually(() => ours.accepted.length === 80, 'all tunnels to reach the application', 3_000);
    for (const tunnel of tunnels) tunnel.close();
    await eventually(() => ours.server.stats().tunnels === 0, 'the cancelled tunnels to close', 3_000);
    const next = await openTunnel(client.manager, ours.address, settings);
    assert.equal((await roundTrip(next, Buffer.from('same session'))).toString(), 'same session');
    assert.equal(client.events.filter((e) => e.type === 'opened').length, 1, 'the session was replaced');
  });

  it('an XHTTP client ending tunnels it used, each by a reset (as Xray ends every one), keeps its session past the burst', async () => {
    // Packet-up has no end-of-upload signal: the client cancels the download a second after its upload
    // ended, which Xray's clients do for every tunnel (stream-one too, two seconds after). Those resets
    // are how tunnels end, not an attack; a busy client ends far more than the burst.
    ours = await startOurServer({ h2c: true, path: '/tun/', xhttp: {}, maxResetBurst: 10, maxResetsPerSecond: 1 });
    // One connection (XMUX would spread 30 tunnels over more): a second 'opened' can then only be a replacement.
    const settings = { host: ['tunnel.test'], path: '/tun/', h2c: true, xhttp: { mode: 'packet-up', xmux: { maxConnections: 1 } } } as const;
    const tunnels = await Promise.all(Array.from({ length: 30 }, () => openTunnel(client.manager, ours.address, settings)));
    const echoes = await Promise.all(tunnels.map((tunnel, i) => roundTrip(tunnel, Buffer.from(`tunnel ${i}`))));
    assert.deepEqual(
      echoes.map((echo) => echo.toString()),
      tunnels.map((_, i) => `tunnel ${i}`),
    );
    await eventually(() => ours.server.stats().tunnels === 0, 'the tunnels to end', 5_000);
    assert.deepEqual(
      ours.events.filter((e) => e.type === 'error').map((e) => (e.type === 'error' ? e.error.message : '')),
      [],
    );
    const next = await openTunnel(client.manager, ours.address, settings);
    assert.equal((await roundTrip(next, Buffer.from('same session'))).toString(), 'same session');
    assert.equal(client.events.filter((e) => e.type === 'opened').length, 1, 'the session was replaced');
  });
});
