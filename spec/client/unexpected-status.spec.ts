import assert from 'node:assert/strict';
import { isUnexpectedStatus } from '../../src/errors/error-guards.js';
import { dialSettingsFor, peerPerSuite } from '../helpers/in-process.js';
import { eventually } from '../helpers/eventually.js';
import { openTunnel } from '../../src/client/open-tunnel.js';

describe('dial: a non-200 answer from our own server', function () {
  this.timeout(20_000);
  const suite = peerPerSuite({ host: ['tunnel.test'], path: '/tun' });

  for (const [what, extra] of [
    ['a wrong path', { path: '/nope' }],
    ['a wrong Host', { host: ['other.test'] }],
  ] as const) {
    it(`fails with UnexpectedStatus 404 (warning) for ${what}, never reaching the application`, async () => {
      const error: unknown = await openTunnel(suite.peer.address, dialSettingsFor(suite.peer, extra), { manager: suite.manager }).then(
        () => assert.fail('dial succeeded'),
        (e: unknown) => e,
      );
      assert.ok(isUnexpectedStatus(error), String(error));
      assert.equal(error.status, 404);
      assert.equal(error.severity, 'warning');
      assert.equal(error.message, 'unexpected status 404');
      assert.equal(suite.peer.accepted.length, 0);
      // As Xray: a session that answered non-200 is not reused.
      await eventually(() => suite.events.some((e) => e.type === 'evicted'), 'the session to be evicted');
      await eventually(() => suite.manager.stats().tunnels === 0, 'the stream slot to be released');
    });
  }
});
