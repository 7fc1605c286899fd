import assert from 'node:assert/strict';
import { rememberedXhttpDial } from '../../../src/client/xhttp/remembered-xhttp-dial.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import { leftOf, rightOf } from '../../helpers/either.js';

describe('rememberedXhttpDial', () => {
  const target = { host: '127.0.0.1', port: 8443 };

  it('plans one settings object and destination once: later dials get the same plan', () => {
    const settings: DialSettings = { host: ['tunnel.test'], path: '/tun/', h2c: true, xhttp: { mode: 'stream-one' } };
    const first = rightOf(rememberedXhttpDial(target, settings));
    assert.equal(first.mode, 'stream-one');
    assert.equal(rightOf(rememberedXhttpDial(target, settings)), first);
    assert.equal(rightOf(rememberedXhttpDial(target, settings)).dial, first.dial, 'the pool keys by this object');
  });

  it('plans another destination or another settings object anew', () => {
    const settings: DialSettings = { host: ['tunnel.test'], path: '/tun/', h2c: true, xhttp: { mode: 'stream-one' } };
    const here = rightOf(rememberedXhttpDial(target, settings));
    const there = rightOf(rememberedXhttpDial({ host: '127.0.0.2', port: 8443 }, settings));
    assert.notEqual(here, there);
    const changed = rightOf(rememberedXhttpDial(target, { ...settings, xhttp: { mode: 'packet-up' } }));
    assert.equal(changed.mode, 'packet-up');
  });

  it('refuses bad settings on every dial, each with its own error', () => {
    const settings: DialSettings = { path: '/tun/', xhttp: { httpVersion: '2' } };
    const first = leftOf(rememberedXhttpDial(target, settings));
    const second = leftOf(rememberedXhttpDial(target, settings));
    assert.equal(first._tag, 'InvalidConfig');
    assert.notEqual(first, second);
  });
});
