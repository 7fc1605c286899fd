import assert from 'node:assert/strict';
import { isInvalidConfig } from '../../src/errors/error-guards.js';
import { checkRange, MAX_TIMER_MS, MILLISECONDS, outOfRange, PORT, SECONDS, SETTING_VALUE, timerDelay } from '../../src/settings/ranges.js';

describe('ranges: what Node and the wire accept', () => {
  it("takes durations up to Node's timer limit, 2^31-1 ms, and no further", () => {
    assert.equal(outOfRange(2 ** 31 - 1, MILLISECONDS), undefined);
    assert.match(outOfRange(2 ** 31, MILLISECONDS) ?? '', /at most 2147483647 \(Node's timers stop at 2\^31-1 ms/);
    // Seconds are compared after the conversion, so no rounding lets 2^31 ms through.
    assert.equal(outOfRange(2_147_483.647, SECONDS), undefined);
    assert.match(outOfRange(2_147_483.648, SECONDS) ?? '', /at most 2147483\.647/);
    assert.match(outOfRange(3_000_000, SECONDS) ?? '', /non-negative number of seconds/);
  });

  it('takes HTTP/2 settings up to 2^32-1, whole numbers only', () => {
    assert.equal(outOfRange(2 ** 32 - 1, SETTING_VALUE), undefined);
    for (const bad of [2 ** 32, 1e15, 1.5, -1, Number.NaN, Infinity, '250', null]) assert.ok(outOfRange(bad, SETTING_VALUE) !== undefined, String(bad));
  });

  it('checkRange throws an InvalidConfig naming the key, and shows an object without converting it', () => {
    assert.equal(checkRange('port', 443, PORT), 443);
    const error = (() => {
      try {
        checkRange('port', { toString: 1 }, PORT);
      } catch (e) {
        return e;
      }
    })();
    assert.ok(isInvalidConfig(error));
    assert.equal(error.key, 'port');
    assert.match(error.message, /^port: must be a port number, at most 65535, got an object$/);
  });

  it('clamps a run-time delay into what a timer can wait', () => {
    assert.deepEqual([timerDelay(-5), timerDelay(10), timerDelay(1e12)], [0, 10, MAX_TIMER_MS]);
  });
});
