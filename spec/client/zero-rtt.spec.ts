import assert from 'node:assert/strict';
import { lastValueFrom, toArray } from 'rxjs';
import { isUnexpectedStatus } from '../../src/errors/error-guards.js';
import { dialSettingsFor, peerPerSuite } from '../helpers/in-process.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

describe('dial with zeroRtt: the connection before the 200', function () {
  this.timeout(20_000);
  const suite = peerPerSuite({ host: ['tunnel.test'], path: '/tun' });

  it('carries bytes written before the answer', async () => {
    const connection = await openTunnel(suite.peer.address, dialSettingsFor(suite.peer, { zeroRtt: true }), { manager: suite.manager });
    const reply = lastValueFrom(connection.output.pipe(toArray()));
    connection.input.next(Buffer.from('early bytes'));
    connection.input.complete();
    assert.equal(Buffer.concat(await reply).toString(), 'early bytes');
    assert.equal((await connection.done)._tag, 'Right');
  });

  it('fails the handed-out connection afterwards on a non-200: output errors, done is left', async () => {
    const acceptedBefore = suite.peer.accepted.length;
    const connection = await openTunnel(suite.peer.address, dialSettingsFor(suite.peer, { zeroRtt: true, path: '/nope' }), { manager: suite.manager });
    const error: unknown = await lastValueFrom(connection.output).then(
      () => assert.fail('output completed'),
      (e: unknown) => e,
    );
    assert.ok(isUnexpectedStatus(error), String(error));
    assert.equal(error.status, 404);
    const result = await connection.done;
    assert.ok(result._tag === 'Left' && result.left === error);
    assert.equal(suite.peer.accepted.length, acceptedBefore);
  });
});
