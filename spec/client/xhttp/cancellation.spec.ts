import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, timeout } from 'rxjs';
import { dial } from '../../../src/client/dial.js';
import { SessionManager } from '../../../src/client/pool/session-manager.js';
import type { XhttpMode } from '../../../src/settings/xhttp-settings.js';
import { eventually } from '../../helpers/eventually.js';

// A dial is cold: unsubscribing resets every request it made; a timeout() before it emits does that too.
describe('XHTTP dial: cancellation', function () {
  this.timeout(10_000);
  let server: http2.Http2Server;
  let port: number;
  const open = new Set<http2.ServerHttp2Stream>();
  const seen: string[] = [];
  const manager = new SessionManager();

  before(async () => {
    // Takes every request and never answers: the dial waits for its 200.
    server = http2.createServer();
    server.on('stream', (stream, headers) => {
      seen.push(`${headers[':method']} ${headers[':path']}`);
      open.add(stream);
      stream.on('error', () => undefined);
      stream.once('close', () => open.delete(stream));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await manager.close();
    await new Promise((resolve) => server.close(resolve));
  });

  for (const mode of ['stream-one', 'stream-up'] as XhttpMode[]) {
    it(`${mode}: a timeout() before the 200 leaves no stream open`, async () => {
      seen.length = 0;
      const dialing = dial(`127.0.0.1:${port}`, { h2c: true, path: '/tun/', xhttp: { mode } }, { manager }).pipe(timeout(300));
      await assert.rejects(firstValueFrom(dialing), { name: 'TimeoutError' });
      assert.equal(seen.length, mode === 'stream-up' ? 2 : 1, seen.join(', '));
      await eventually(() => open.size === 0, 'every request to be reset', 2_000);
      await eventually(() => manager.stats().tunnels === 0, 'every stream slot to be given back', 2_000);
    });
  }

  // Packet-up hands the tunnel out before its download is answered, as Xray's client does.
  it('packet-up: the tunnel comes before the 200; unsubscribing then leaves no stream open', async () => {
    seen.length = 0;
    const dialing = dial(`127.0.0.1:${port}`, { h2c: true, path: '/tun/', xhttp: { mode: 'packet-up' } }, { manager }).pipe(timeout(300));
    // firstValueFrom unsubscribes once the tunnel came: the tunnel goes with the subscription.
    const connection = await firstValueFrom(dialing);
    assert.equal(await connection.accepted, false);
    await eventually(() => seen.length === 1, 'the download to reach the server', 2_000);
    await eventually(() => open.size === 0, 'every request to be reset', 2_000);
    await eventually(() => manager.stats().tunnels === 0, 'every stream slot to be given back', 2_000);
  });
});
