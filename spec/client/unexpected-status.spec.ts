import assert from 'node:assert/strict';
import { firstValueFrom } from 'rxjs';
import { dial } from '../../src/client/dial.js';
import { SessionManager, type SessionEvent } from '../../src/client/session-manager.js';
import { isUnexpectedStatus } from '../../src/errors.js';
import { dialSettingsFor, eventually, startServer, type InProcessServer } from '../helpers/in-process.js';

describe('dial: a non-200 answer from our own server', function () {
  this.timeout(20_000);
  let peer: InProcessServer;
  let manager: SessionManager;
  let events: SessionEvent[];

  before(async () => {
    peer = await startServer({ host: ['tunnel.test'], path: '/tun' });
  });
  beforeEach(() => {
    manager = new SessionManager();
    events = [];
    manager.events.subscribe((e) => events.push(e));
  });
  afterEach(() => manager.close());
  after(() => peer.close());

  for (const [what, extra] of [
    ['a wrong path', { path: '/nope' }],
    ['a wrong Host', { host: ['other.test'] }],
  ] as const) {
    it(`fails with UnexpectedStatus 404 (warning) for ${what}, never reaching the application`, async () => {
      const error: unknown = await firstValueFrom(dial(peer.address, dialSettingsFor(peer, extra), { manager })).then(
        () => assert.fail('dial succeeded'),
        (e: unknown) => e,
      );
      assert.ok(isUnexpectedStatus(error), String(error));
      assert.equal(error.status, 404);
      assert.equal(error.severity, 'warning');
      assert.equal(error.message, 'unexpected status 404');
      assert.equal(peer.accepted.length, 0);
      // As Xray: a session that answered non-200 is not reused.
      await eventually(() => events.some((e) => e.type === 'evicted'), 'the session to be evicted');
      await eventually(() => manager.stats().tunnels === 0, 'the stream slot to be released');
    });
  }
});
