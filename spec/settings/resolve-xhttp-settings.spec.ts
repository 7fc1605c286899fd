import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { resolveXhttpSettings } from '../../src/settings/resolve-xhttp-settings.js';
import { XHTTP_DEFAULTS, type XhttpSettings } from '../../src/settings/xhttp-settings.js';

function keyOf(settings: unknown): string {
  const result = resolveXhttpSettings(settings as XhttpSettings);
  assert.ok(E.isLeft(result), `expected a refusal for ${JSON.stringify(settings)}`);
  assert.equal(result.left._tag, 'InvalidConfig');
  return result.left.key;
}

describe('resolveXhttpSettings', () => {
  it("fills Xray's defaults", () => {
    const resolved = resolveXhttpSettings({});
    assert.deepEqual(
      resolved,
      E.right({
        mode: 'auto',
        paddingBytes: { from: 100, to: 1000 },
        noGRPCHeader: false,
        noSSEHeader: false,
        maxEachPostBytes: { from: 1_000_000, to: 1_000_000 },
        minPostsIntervalMs: { from: 30, to: 30 },
        maxBufferedPosts: 30,
        streamUpPaddingIntervalMs: { from: 20_000, to: 80_000 },
        httpVersion: undefined,
        xmux: XHTTP_DEFAULTS.xmux,
      }),
    );
  });

  it('reads numbers and ranges, and 0 as "never" for the stream-up padding', () => {
    const resolved = resolveXhttpSettings({
      mode: 'packet-up',
      paddingBytes: 200,
      maxEachPostBytes: { from: 500, to: 1000 },
      minPostsIntervalMs: 0,
      maxBufferedPosts: 5,
      streamUpPaddingIntervalMs: 0,
      noGRPCHeader: true,
      httpVersion: '1.1',
    });
    assert.ok(E.isRight(resolved));
    assert.equal(resolved.right.mode, 'packet-up');
    assert.deepEqual(resolved.right.paddingBytes, { from: 200, to: 200 });
    assert.deepEqual(resolved.right.maxEachPostBytes, { from: 500, to: 1000 });
    assert.deepEqual(resolved.right.minPostsIntervalMs, { from: 0, to: 0 });
    assert.equal(resolved.right.maxBufferedPosts, 5);
    assert.equal(resolved.right.streamUpPaddingIntervalMs, undefined);
    assert.equal(resolved.right.noGRPCHeader, true);
    assert.equal(resolved.right.httpVersion, '1.1');
  });

  it('names the bad key', () => {
    assert.equal(keyOf({ mode: 'stream-down' }), 'xhttp.mode');
    assert.equal(keyOf({ paddingBytes: 0 }), 'xhttp.paddingBytes');
    assert.equal(keyOf({ paddingBytes: { from: 0, to: 10 } }), 'xhttp.paddingBytes.from');
    assert.equal(keyOf({ paddingBytes: { from: 10, to: 5 } }), 'xhttp.paddingBytes');
    assert.equal(keyOf({ paddingBytes: '100-1000' }), 'xhttp.paddingBytes');
    assert.equal(keyOf({ paddingBytes: { from: 1, to: 2, by: 3 } }), 'xhttp.paddingBytes.by');
    assert.equal(keyOf({ maxEachPostBytes: 1.5 }), 'xhttp.maxEachPostBytes');
    assert.equal(keyOf({ maxBufferedPosts: 0 }), 'xhttp.maxBufferedPosts');
    assert.equal(keyOf({ noSSEHeader: 'yes' }), 'xhttp.noSSEHeader');
    assert.equal(keyOf({ httpVersion: 'h3' }), 'xhttp.httpVersion');
    assert.equal(keyOf({ streamUpPaddingIntervalMs: { from: 0, to: 10 } }), 'xhttp.streamUpPaddingIntervalMs');
    assert.equal(keyOf({ xPaddingBytes: 100 }), 'xhttp.xPaddingBytes');
    assert.equal(keyOf({ xmux: { maxConnections: 2, maxConcurrency: 4 } }), 'xhttp.xmux.maxConnections');
    assert.equal(keyOf({ xmux: { cMaxReuseTimes: 2 } }), 'xhttp.xmux.cMaxReuseTimes');
    assert.equal(keyOf(null), 'xhttp');
  });

  it('refuses h3 saying Node has no QUIC', () => {
    const result = resolveXhttpSettings({ httpVersion: '3' as never });
    assert.ok(E.isLeft(result) && /QUIC/.test(result.left.message));
  });

  it("applies XMUX defaults only when nothing is set, as Xray's", () => {
    for (const xmux of [undefined, {}, { maxConnections: 0 }, { maxRequestTimes: { from: 0, to: 0 }, maxReusableMs: 0 }]) {
      const resolved = resolveXhttpSettings({ xmux });
      assert.ok(E.isRight(resolved));
      assert.deepEqual(resolved.right.xmux, XHTTP_DEFAULTS.xmux, JSON.stringify(xmux));
    }
    const some = resolveXhttpSettings({ xmux: { maxConcurrency: { from: 16, to: 32 }, keepAlivePeriodMs: 0 } });
    assert.deepEqual(
      E.map((r: { xmux: unknown }) => r.xmux)(some),
      E.right({
        spread: { kind: 'max-concurrency', tunnels: { from: 16, to: 32 } },
        maxReuseTimes: undefined,
        maxRequestTimes: undefined,
        maxReusableMs: undefined,
        keepAlivePeriodMs: undefined,
      }),
    );
  });

  it("keeps an xmux that only turns the keep-alive off (Xray's hKeepAlivePeriod: -1) instead of filling the defaults", () => {
    const resolved = resolveXhttpSettings({ xmux: { keepAlivePeriodMs: 0 } });
    assert.deepEqual(
      E.map((r: { xmux: unknown }) => r.xmux)(resolved),
      E.right({ spread: { kind: 'unlimited' }, maxReuseTimes: undefined, maxRequestTimes: undefined, maxReusableMs: undefined, keepAlivePeriodMs: undefined }),
    );
  });
});
