import assert from 'node:assert/strict';
import { xrayInteger, xrayRange } from '../../src/v2ray-config/xray-range.js';

describe("xrayRange: Xray's Int32Range JSON", () => {
  it('reads a number, a one-number string and a from-to string, swapping reversed ends', () => {
    assert.deepEqual(xrayRange(100, 'k'), { from: 100, to: 100 });
    assert.deepEqual(xrayRange('100', 'k'), { from: 100, to: 100 });
    assert.deepEqual(xrayRange('100-1000', 'k'), { from: 100, to: 1000 });
    assert.deepEqual(xrayRange('1000-100', 'k'), { from: 100, to: 1000 });
  });

  it('reads negative ends as Xray does', () => {
    assert.deepEqual(xrayRange('-1', 'k'), { from: -1, to: -1 });
    assert.deepEqual(xrayRange('-5-10', 'k'), { from: -5, to: 10 });
    assert.deepEqual(xrayRange('-10--5', 'k'), { from: -10, to: -5 });
  });

  it('is unset for 0, "0", "" and "0-0", and when absent', () => {
    for (const unset of [0, '0', '', '0-0', undefined, null]) assert.equal(xrayRange(unset, 'k'), undefined, JSON.stringify(unset));
  });

  it('refuses what Xray refuses, naming the key', () => {
    for (const bad of [{ from: 1, to: 2 }, 1.5, 'abc', '1 - 2', [1, 2], true]) {
      assert.throws(() => xrayRange(bad, 'xhttpSettings.xPaddingBytes'), /xhttpSettings\.xPaddingBytes: must be a whole number or a "from-to" string/);
    }
  });
});

describe("xrayInteger: Xray's plain integers", () => {
  it('reads a whole number and refuses a string, as Go decodes an int64', () => {
    assert.equal(xrayInteger(30, 'k'), 30);
    assert.equal(xrayInteger(undefined, 'k'), undefined);
    assert.throws(() => xrayInteger('30', 'xhttpSettings.scMaxBufferedPosts'), /scMaxBufferedPosts: must be a whole number, got "30"/);
    assert.throws(() => xrayInteger(1.5, 'k'), /must be a whole number/);
  });
});
