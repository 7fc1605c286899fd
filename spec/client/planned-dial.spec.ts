import assert from 'node:assert/strict';
import { firstValueFrom } from 'rxjs';
import { plannedDial } from '../../src/client/dial.js';
import { detach } from '../../src/client/detach.js';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import { isInvalidConfig } from '../../src/errors/error-guards.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';

// The CLI's listener reads its server and settings once and dials them for every connection.
describe('dial: planned once, dialled many times', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let manager: SessionManager;

  before(async () => {
    peer = await startServer({ host: ['tunnel.test'], path: '/tun' });
    manager = new SessionManager();
  });
  after(async () => {
    await manager.close();
    await peer.close();
  });

  it('each call is a dial of its own: three tunnels, each echoing its own bytes, on one session', async () => {
    const open = plannedDial(peer.address, dialSettingsFor(peer), { manager });
    const connections = await Promise.all([1, 2, 3].map(() => firstValueFrom(open().pipe(detach()))));
    const echoed = await Promise.all(
      connections.map(async (connection, i) => {
        const reply = firstValueFrom(connection.output);
        await connection.write(Buffer.from(`tunnel ${i}`));
        const chunk = await reply;
        connection.close();
        return chunk.toString();
      }),
    );
    assert.deepEqual(echoed, ['tunnel 0', 'tunnel 1', 'tunnel 2']);
    assert.equal(new Set(connections.map((connection) => connection.info.session)).size, 1, 'one session');
  });

  it('settings that are wrong fail every call with the typed InvalidConfig, as dial() does', async () => {
    const open = plannedDial(peer.address, { ...dialSettingsFor(peer), path: 42 as never }, { manager });
    for (let i = 0; i < 2; i++) {
      const error = await firstValueFrom(open()).then(
        () => assert.fail('dialled'),
        (e: unknown) => e,
      );
      assert.ok(isInvalidConfig(error) && error.key === 'path', String(error));
    }
  });
});
