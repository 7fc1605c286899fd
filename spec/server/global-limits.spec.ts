import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import { isUnexpectedStatus } from '../../src/errors/error-guards.js';
import { managerPerTest } from '../reliability/support/manager-per-test.js';
import { startOurServer, type OurServer } from '../reliability/support/our-server.js';
import { openTunnel, roundTrip } from '../reliability/support/tunnels.js';
import { eventually } from '../helpers/eventually.js';

// Caps over all clients together, so new sessions and tunnels are refused before the descriptors run out
// (each session holds one, each tunnel one more for its forward connection on the CLI) rather than failing
// the tunnels already open.
describe('server: global limits', function () {
  this.timeout(15_000);
  let ours: OurServer;
  const client = managerPerTest(() => ours.close());
  const settings = { host: ['tunnel.test'], path: '/tun', h2c: true } as const;

  it('maxSessions: a session past the cap is closed at once, whatever its address; the others carry on', async () => {
    ours = await startOurServer({ h2c: true, maxSessions: 1, maxSessionsPerAddress: 0 });
    const first = await openTunnel(client.manager, ours.address, settings);
    const second = http2.connect(`http://127.0.0.1:${ours.port}`);
    second.on('error', () => undefined);
    await once(second, 'close');
    assert.equal((await roundTrip(first, Buffer.from('first stays'))).toString(), 'first stays');
  });

  it('maxTunnels: a tunnel past the cap is answered 503 and never reaches the application; a slot frees when one ends', async () => {
    ours = await startOurServer({ h2c: true, maxTunnels: 1 });
    const first = await openTunnel(client.manager, ours.address, settings);
    await eventually(() => ours.accepted.length === 1, 'the first tunnel to arrive', 2_000);
    const refused = await openTunnel(client.manager, ours.address, settings).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(isUnexpectedStatus(refused) && refused.status === 503, String(refused));
    assert.ok(ours.events.some((e) => e.type === 'rejected' && e.reason === 'server-full'));
    assert.equal(ours.accepted.length, 1);
    assert.equal((await roundTrip(first, Buffer.from('done'))).toString(), 'done');
    await eventually(() => ours.server.stats().tunnels === 0, 'the first tunnel to close', 2_000);
    const next = await openTunnel(client.manager, ours.address, settings);
    assert.equal((await roundTrip(next, Buffer.from('slot free'))).toString(), 'slot free');
  });
});
