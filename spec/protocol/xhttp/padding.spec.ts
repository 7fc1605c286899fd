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
