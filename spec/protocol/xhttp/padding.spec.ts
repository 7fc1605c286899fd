import assert from 'node:assert/strict';
import { drawFromRange, paddedReferer, paddingAccepted, paddingOf, requestPadding } from '../../../src/protocol/xhttp/padding.js';

describe('padding', () => {
  const range = { from: 100, to: 1000 };

  it('draws both ends of a range included', () => {
    assert.equal(
      drawFromRange(range, () => 0),
      100,
    );
    assert.equal(
      drawFromRange(range, () => 0.999_999_9),
      1000,
    );
    assert.equal(drawFromRange({ from: 7, to: 7 }, Math.random), 7);
    for (let i = 0; i < 200; i++) {
      const n = drawFromRange(range);
      assert.ok(Number.isInteger(n) && n >= 100 && n <= 1000, String(n));
    }
  });

  it('puts X padding in the Referer of the base URL', () => {
    assert.equal(paddingOf(4), 'XXXX');
    assert.equal(paddedReferer('https', 'tunnel.test', '/tun/', 3), 'https://tunnel.test/tun/?x_padding=XXX');
    assert.equal(paddedReferer('http', '127.0.0.1', '/', 1), 'http://127.0.0.1/?x_padding=X');
  });

  it('gives every length exactly, short or long, after long ones and whatever the prefix', () => {
    for (const length of [0, 1, 12, 13, 1000, 20_000, 5, 4097]) {
      assert.equal(paddingOf(length), 'X'.repeat(length));
      assert.equal(paddedReferer('https', 'tunnel.test', '/tün/', length), `https://tunnel.test/tün/?x_padding=${'X'.repeat(length)}`);
    }
    // Prefixes beyond what is kept still come out right.
    for (let i = 0; i < 100; i++) assert.equal(paddedReferer('http', `h${i}.test`, '/', 2), `http://h${i}.test/?x_padding=XX`);
  });

  it("reads the Referer's x_padding, and the request query only without a Referer", () => {
    assert.equal(requestPadding('https://t.test/p/?x_padding=XXX', '/p/abc/0'), 'XXX');
    assert.equal(requestPadding(undefined, '/p/?x_padding=YY&a=1'), 'YY');
    assert.equal(requestPadding('https://t.test/p/', '/p/?x_padding=XXX'), undefined);
    assert.equal(requestPadding('not a url', '/p/?x_padding=XXX'), undefined);
    assert.equal(requestPadding(undefined, '/p/abc'), undefined);
  });

  it('checks the length only, both ends included', () => {
    assert.equal(paddingAccepted('X'.repeat(100), range), true);
    assert.equal(paddingAccepted('a'.repeat(1000), range), true);
    assert.equal(paddingAccepted('X'.repeat(99), range), false);
    assert.equal(paddingAccepted('X'.repeat(1001), range), false);
    assert.equal(paddingAccepted('', range), false);
    assert.equal(paddingAccepted(undefined, range), false);
  });
});
