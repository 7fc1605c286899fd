import assert from 'node:assert/strict';
import { stripJsonComments } from '../../src/v2ray-config/json-comments.js';
import { mergeConfigs } from '../../src/v2ray-config/merge-configs.js';

describe('mergeConfigs (v2ray -config a.json -config b.json)', () => {
  it('merges objects key by key, later scalars winning, and concatenates lists', () => {
    const merged = mergeConfigs([
      { log: { loglevel: 'info', access: 'a.log' }, inbounds: [{ port: 1 }] },
      { log: { loglevel: 'debug' }, inbounds: [{ port: 2 }] },
    ]);
    assert.deepEqual(merged, { log: { loglevel: 'debug', access: 'a.log' }, inbounds: [{ port: 1 }, { port: 2 }] });
  });

  it('merges list entries with the same tag into the first, and orders by _priority, dropping the helper keys', () => {
    const merged = mergeConfigs([
      {
        outbounds: [
          { tag: 'out', protocol: 'freedom' },
          { protocol: 'blackhole', _priority: 5 },
        ],
      },
      {
        outbounds: [
          { tag: 'out', settings: { redirect: '127.0.0.1:22' } },
          { _tag: 'x', protocol: 'freedom', _priority: -1 },
        ],
      },
    ]);
    assert.deepEqual(merged.outbounds, [
      { protocol: 'freedom' },
      { tag: 'out', protocol: 'freedom', settings: { redirect: '127.0.0.1:22' } },
      { protocol: 'blackhole' },
    ]);
  });

  it('refuses to merge values of different kinds, naming the key', () => {
    assert.throws(() => mergeConfigs([{ log: { loglevel: 'info' } }, { log: 'debug' }]), /log: cannot merge string into object/);
  });

  it('leaves its inputs unchanged', () => {
    const first = { inbounds: [{ tag: 'a', port: 1 }] };
    mergeConfigs([first, { inbounds: [{ tag: 'a', port: 2 }] }]);
    assert.deepEqual(first, { inbounds: [{ tag: 'a', port: 1 }] });
  });
});

describe('stripJsonComments', () => {
  it('drops //, # and block comments outside strings and keeps strings whole', () => {
    const text = '{\n  // a comment\n  "path": "/tun//x#y", # another\n  /* block\n */ "port": 443\n}';
    assert.deepEqual(JSON.parse(stripJsonComments(text)), { path: '/tun//x#y', port: 443 });
  });

  it('keeps escaped quotes inside strings and the line count', () => {
    const text = '{"a": "say \\"//not a comment\\"" /* x\ny */}';
    assert.deepEqual(JSON.parse(stripJsonComments(text)), { a: 'say "//not a comment"' });
    assert.equal(stripJsonComments(text).split('\n').length, 2);
  });
});
