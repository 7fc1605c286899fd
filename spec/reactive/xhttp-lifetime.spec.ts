import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { interval, lastValueFrom, switchMap, take, toArray } from 'rxjs';
import { dial } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { Connection } from '../../src/connection/connection.js';
import { listen, type TunnelServer } from '../../src/server/listen.js';
import type { XhttpMode } from '../../src/settings/xhttp-settings.js';
import { eventually } from '../helpers/eventually.js';

// The lifetime rule holds whatever the wire shape: an XHTTP tunnel superseded by switchMap is closed on
// both ends, in each mode.
describe('reactive: an XHTTP tunnel lives as long as its subscription', function () {
  this.timeout(30_000);
  let server: TunnelServer;
  let manager: SessionManager;
  const accepted: Connection[] = [];
  before(async () => {
    server = await listen({ listen: '127.0.0.1:0', h2c: true, host: ['tunnel.test'], path: '/tun/', xhttp: {} });
    server.connections.subscribe((connection) => {
      accepted.push(connection);
      connection.toDuplex().on('error', () => undefined);
      connection.toDuplex().resume();
    });
  });
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => server.close());

  for (const mode of ['stream-one', 'stream-up', 'packet-up'] as const satisfies readonly XhttpMode[]) {
    it(`${mode}: switchMap closes every superseded tunnel and the last one, on both ends`, async () => {
      const before = accepted.length;
      const address = `127.0.0.1:${(server.address as AddressInfo).port}`;
      const settings = { host: ['tunnel.test'], path: '/tun/', h2c: true, readIdleTimeoutMs: 0, xhttp: { mode } };
      const dialed = await lastValueFrom(
        interval(20).pipe(
          take(8),
          switchMap(() => dial(address, settings, { manager })),
          take(4),
          toArray(),
        ),
      );
      assert.equal(dialed.length, 4);
      await eventually(() => dialed.every((c) => c.closed), 'every client tunnel to close', 3_000);
      await eventually(() => accepted.slice(before).every((c) => c.closed), 'every server tunnel to close', 5_000);
    });
  }
});
