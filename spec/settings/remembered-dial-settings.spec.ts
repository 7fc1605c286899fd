import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { rememberedDialSettings } from '../../src/settings/remembered-dial-settings.js';
import type { DialSettings } from '../../src/settings/settings.js';
import { leftOf, rightOf } from '../helpers/either.js';

describe('rememberedDialSettings', () => {
  it('resolves one settings object once: every later dial gets the same resolved settings', () => {
    const settings: DialSettings = { host: ['tunnel.test'], path: 'tun', tls: {} };
    const first = rightOf(rememberedDialSettings(settings));
    assert.equal(first.path, '/tun');
    assert.equal(rightOf(rememberedDialSettings(settings)), first);
  });

  it('resolves another object anew, so changed settings take effect', () => {
    const settings: DialSettings = { host: ['tunnel.test'], path: '/a', tls: {} };
    const before = rightOf(rememberedDialSettings(settings));
    const after = rightOf(rememberedDialSettings({ ...settings, path: '/b' }));
    assert.equal(before.path, '/a');
    assert.equal(after.path, '/b');
  });

  it('refuses bad settings every time, each with its own error', () => {
    const settings: DialSettings = { host: ['tunnel.test'] };
    const first = leftOf(rememberedDialSettings(settings));
    const second = leftOf(rememberedDialSettings(settings));
    assert.equal(first._tag, 'TlsRequired');
    assert.equal(second._tag, 'TlsRequired');
    assert.notEqual(first, second);
    assert.ok(E.isLeft(rememberedDialSettings(null as unknown as DialSettings)));
  });
});
