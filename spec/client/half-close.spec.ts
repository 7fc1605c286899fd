import assert from 'node:assert/strict';
import { lastValueFrom, toArray } from 'rxjs';
import { SessionManager } from '../../src/client/pool/session-manager.js';
import type { Connection } from '../../src/connection/connection.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

// Answers only once the client has ended its side: the reply can arrive only after a half-close.
function replyAfterEnd(connection: Connection): void {
  void lastValueFrom(connection.output.pipe(toArray())).then(async (chunks) => {
    await connection.write(Buffer.from(`got ${Buffer.concat(chunks).toString()}`));
    await connection.end();
  });
}

describe('client <-> server: half-close', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let manager: SessionManager;

  before(async () => {
    peer = await startServer({ host: ['tunnel.test'], path: '/tun' }, replyAfterEnd);
    manager = new SessionManager();
  });
  after(async () => {
    await manager.close();
    await peer.close();
  });

  it('keeps receiving after the client ends its input (input.complete)', async () => {
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    const reply = lastValueFrom(connection.output.pipe(toArray()));
    connection.input.next(Buffer.from('hello'));
    connection.input.complete();
    assert.equal(Buffer.concat(await reply).toString(), 'got hello');
    const result = await connection.done;
    assert.equal(result._tag, 'Right');
  });

  it('keeps receiving after end()', async () => {
    const connection = await openTunnel(peer.address, dialSettingsFor(peer), { manager });
    const reply = lastValueFrom(connection.output.pipe(toArray()));
    await connection.write(Buffer.from('there'));
    await connection.end();
    assert.equal(Buffer.concat(await reply).toString(), 'got there');
    assert.equal((await connection.done)._tag, 'Right');
  });
});
