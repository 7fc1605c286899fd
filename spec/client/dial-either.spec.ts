import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { dialEither } from '../../src/client/dial.js';
import { dialSettingsFor, peerPerSuite } from '../helpers/in-process.js';

describe('dialEither', function () {
  this.timeout(20_000);
  const suite = peerPerSuite({ host: ['tunnel.test'], path: '/tun' });

  it('emits right(connection) once, and completes when the tunnel ends', async () => {
    const results = await lastValueFrom(
      dialEither(suite.peer.address, dialSettingsFor(suite.peer), { manager: suite.manager }).pipe(
        tap((result) => E.isRight(result) && void result.right.end()),
        toArray(),
      ),
    );
    assert.equal(results.length, 1);
    const [result] = results;
    assert.ok(result !== undefined && E.isRight(result));
    assert.equal((await result.right.done)._tag, 'Right');
  });

  for (const [what, settings, tag] of [
    ['no TLS', { host: ['tunnel.test'] }, 'TlsRequired'],
    ['a wrong path', { path: '/nope' }, 'UnexpectedStatus'],
    ['an untrusted certificate', { tls: { serverName: 'tunnel.test' } }, 'TlsVerifyFailed'],
    ['an invalid destination', { destination: 'no-port:x' }, 'InvalidConfig'],
  ] as const) {
    it(`emits left(${tag}) for ${what} and never errors`, async () => {
      const destination = 'destination' in settings ? settings.destination : suite.peer.address;
      const dialSettings = 'destination' in settings ? dialSettingsFor(suite.peer) : what === 'no TLS' ? settings : dialSettingsFor(suite.peer, settings);
      // lastValueFrom would reject if the observable errored.
      const results = await lastValueFrom(dialEither(destination, dialSettings, { manager: suite.manager }).pipe(toArray()));
      assert.equal(results.length, 1);
      const [result] = results;
      assert.ok(result !== undefined && E.isLeft(result));
      assert.equal(result.left._tag, tag);
    });
  }
});
