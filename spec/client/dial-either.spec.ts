import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { lastValueFrom, toArray } from 'rxjs';
import { dialEither } from '../../src/client/dial.js';
import { SessionManager } from '../../src/client/session-manager.js';
import { dialSettingsFor, startServer, type InProcessServer } from '../helpers/in-process.js';

describe('dialEither', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let manager: SessionManager;

  before(async () => (peer = await startServer({ host: ['tunnel.test'], path: '/tun' })));
  beforeEach(() => (manager = new SessionManager()));
  afterEach(() => manager.close());
  after(() => peer.close());

  it('emits right(connection) once and completes', async () => {
    const results = await lastValueFrom(dialEither(peer.address, dialSettingsFor(peer), { manager }).pipe(toArray()));
    assert.equal(results.length, 1);
    const [result] = results;
    assert.ok(result !== undefined && E.isRight(result));
    result.right.close();
    assert.equal((await result.right.done)._tag, 'Right');
  });

  for (const [what, settings, tag] of [
    ['no TLS', { host: ['tunnel.test'] }, 'TlsRequired'],
    ['a wrong path', { path: '/nope' }, 'UnexpectedStatus'],
    ['an untrusted certificate', { tls: { serverName: 'tunnel.test' } }, 'TlsVerifyFailed'],
    ['an invalid destination', { destination: 'no-port:x' }, 'InvalidConfig'],
  ] as const) {
    it(`emits left(${tag}) for ${what} and never errors`, async () => {
      const destination = 'destination' in settings ? settings.destination : peer.address;
      const dialSettings = 'destination' in settings ? dialSettingsFor(peer) : what === 'no TLS' ? settings : dialSettingsFor(peer, settings);
      // lastValueFrom would reject if the observable errored.
      const results = await lastValueFrom(dialEither(destination, dialSettings, { manager }).pipe(toArray()));
      assert.equal(results.length, 1);
      const [result] = results;
      assert.ok(result !== undefined && E.isLeft(result));
      assert.equal(result.left._tag, tag);
    });
  }
});
