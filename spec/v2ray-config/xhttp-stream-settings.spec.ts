import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import { parseStreamSettings, type StreamSettings } from '../../src/v2ray-config/stream-settings.js';
import type { InvalidConfig } from '../../src/errors/transport-error.js';
import { leftOf, rightOf } from '../helpers/either.js';
import { resolveXhttpSettings } from '../../src/settings/resolve-xhttp-settings.js';
import { XHTTP_DEFAULTS } from '../../src/settings/xhttp-settings.js';

const right = (json: unknown): StreamSettings => rightOf(parseStreamSettings(json));
const left = (json: unknown): InvalidConfig => leftOf(parseStreamSettings(json));
const xhttp = (xhttpSettings: object, more: object = {}) => ({ network: 'xhttp', xhttpSettings, ...more });

// Xray's JSON for XHTTP (infra/conf/transport_internet.go, transport_method.go at v26.7.28) into the library's settings.
describe('parseStreamSettings: Xray XHTTP', () => {
  it('takes "xhttp" and "splithttp" in any case, and "method" as an alias of network that wins', () => {
    for (const network of ['xhttp', 'splithttp', 'XHTTP', 'SplitHTTP']) assert.deepEqual(right({ network }).xhttp, {}, network);
    assert.deepEqual(right({ network: 'tcp', method: 'xhttp' }).xhttp, {});
    assert.equal(right({ network: 'xhttp', method: 'h2' }).xhttp, undefined);
    assert.equal(left({ network: 'xhttp', method: 'ws' }).key, 'streamSettings.method');
    assert.equal(right({ network: 'http' }).xhttp, undefined);
  });

  it('maps every honoured key: host, path, headers, upload method, padding, packets, stream-up padding, xmux', () => {
    const parsed = right(
      xhttp({
        host: 'tunnel.test',
        path: '/tun?ed=2048',
        mode: 'packet-up',
        headers: { 'X-Team': 'ops' },
        uplinkHTTPMethod: 'put',
        xPaddingBytes: '200-400',
        noGRPCHeader: true,
        noSSEHeader: true,
        scMaxEachPostBytes: 500_000,
        scMinPostsIntervalMs: '10-50',
        scMaxBufferedPosts: 40,
        scStreamUpServerSecs: '10-20',
        xmux: { maxConcurrency: '16-32', cMaxReuseTimes: '64-128', hMaxRequestTimes: '600-900', hMaxReusableSecs: '1800-3000', hKeepAlivePeriod: 30 },
      }),
    );
    assert.deepEqual(parsed.http, { host: ['tunnel.test'], path: '/tun?ed=2048', method: 'PUT', headers: { 'X-Team': ['ops'] } });
    assert.deepEqual(parsed.xhttp, {
      mode: 'packet-up',
      paddingBytes: { from: 200, to: 400 },
      noGRPCHeader: true,
      noSSEHeader: true,
      maxEachPostBytes: { from: 500_000, to: 500_000 },
      minPostsIntervalMs: { from: 10, to: 50 },
      maxBufferedPosts: 40,
      streamUpPaddingIntervalMs: { from: 10_000, to: 20_000 },
      xmux: {
        maxConcurrency: { from: 16, to: 32 },
        maxReuseTimes: { from: 64, to: 128 },
        maxRequestTimes: { from: 600, to: 900 },
        maxReusableMs: { from: 1_800_000, to: 3_000_000 },
        keepAlivePeriodMs: 30_000,
      },
    });
    assert.deepEqual(parsed.warnings, []);
  });

  it("reads Xray's zero values as its defaults and its negative ones as off", () => {
    const zeros = right(
      xhttp({ host: '', mode: '', xPaddingBytes: 0, scMaxEachPostBytes: '0', scMinPostsIntervalMs: '', scMaxBufferedPosts: 0, uplinkHTTPMethod: 'POST' }),
    );
    assert.deepEqual(zeros.xhttp, {});
    assert.deepEqual(zeros.http, {});
    const negatives = right(xhttp({ scMinPostsIntervalMs: '-1', scStreamUpServerSecs: '-1', xmux: { hKeepAlivePeriod: -1, maxConnections: '-1' } }));
    assert.deepEqual(negatives.xhttp, {
      minPostsIntervalMs: { from: 0, to: 0 },
      streamUpPaddingIntervalMs: 0,
      xmux: { maxConnections: { from: 0, to: 0 }, keepAlivePeriodMs: 0 },
    });
  });

  it('resolves an xmux as Xray does: its defaults only when every field is zero, and nothing else limited otherwise', () => {
    const resolved = (xmux: object) => {
      const settings = resolveXhttpSettings(right(xhttp({ xmux })).xhttp ?? {});
      assert.ok(E.isRight(settings), JSON.stringify(xmux));
      return settings.right.xmux;
    };
    const unlimited = { spread: { kind: 'unlimited' }, maxReuseTimes: undefined, maxRequestTimes: undefined, maxReusableMs: undefined };
    for (const zero of [{}, { maxConnections: 0, hMaxRequestTimes: '0-0', hKeepAlivePeriod: 0 }]) assert.deepEqual(resolved(zero), XHTTP_DEFAULTS.xmux);
    // Not zero, so no defaults: -1 turns the keep-alive off, and a negative range is no limit.
    assert.deepEqual(resolved({ hKeepAlivePeriod: -1 }), { ...unlimited, keepAlivePeriodMs: undefined });
    assert.deepEqual(resolved({ maxConnections: '-1' }), { ...unlimited, keepAlivePeriodMs: 45_000 });
    assert.deepEqual(resolved({ hMaxReusableSecs: '-5-0', hKeepAlivePeriod: 10 }), { ...unlimited, keepAlivePeriodMs: 10_000 });
  });

  it('reads splithttpSettings as xhttpSettings, and says which one it ignores when both are given', () => {
    assert.deepEqual(right({ network: 'splithttp', splithttpSettings: { path: '/old' } }).http, { path: '/old' });
    const both = right({ network: 'xhttp', xhttpSettings: { path: '/new' }, splithttpSettings: { path: '/old' } });
    assert.deepEqual(both.http, { path: '/new' });
    assert.deepEqual(both.warnings, ['streamSettings.splithttpSettings is ignored: streamSettings.xhttpSettings is given too, and Xray reads that one']);
  });

  it('with "extra", reads every key but host, path and mode from it, as Xray, and says what it drops', () => {
    const parsed = right(
      xhttp({ host: 'outer.test', path: '/outer', mode: 'stream-up', xPaddingBytes: '300-300', extra: { xPaddingBytes: '500-600', host: 'inner.test' } }),
    );
    assert.deepEqual(parsed.http, { host: ['outer.test'], path: '/outer' });
    assert.deepEqual(parsed.xhttp, { mode: 'stream-up', paddingBytes: { from: 500, to: 600 } });
    assert.deepEqual(parsed.warnings, [
      'streamSettings.xhttpSettings.xPaddingBytes is ignored: with "extra", Xray reads every key but host, path and mode from it',
      'streamSettings.xhttpSettings.extra.host is ignored: Xray takes it from the outer xhttpSettings',
    ]);
    assert.deepEqual(right(xhttp({ scMaxBufferedPosts: 5, extra: null })).xhttp, {});
    assert.equal(left(xhttp({ extra: { xPaddingObfsMode: true } })).key, 'streamSettings.xhttpSettings.extra.xPaddingObfsMode');
    assert.equal(left(xhttp({ extra: 'x' })).key, 'streamSettings.xhttpSettings.extra');
  });

  it('takes the HTTP version from the TLS alpn as Xray\'s client does: exactly ["http/1.1"] is HTTP/1.1', () => {
    const tls = (alpn: string[]) => right(xhttp({}, { security: 'tls', tlsSettings: { alpn } }));
    assert.equal(tls(['http/1.1']).xhttp?.httpVersion, '1.1');
    assert.equal(tls(['h2', 'http/1.1']).xhttp?.httpVersion, undefined);
    assert.equal(tls(['h2']).xhttp?.httpVersion, undefined);
    assert.equal(left(xhttp({}, { security: 'tls', tlsSettings: { alpn: ['spdy/3'] } })).key, 'streamSettings.tlsSettings.alpn');
  });

  it('accepts the obfuscation options at their default values', () => {
    const parsed = right(
      xhttp({
        xPaddingObfsMode: false,
        xPaddingKey: 'x_padding',
        xPaddingHeader: 'X-Padding',
        xPaddingPlacement: 'queryInHeader',
        xPaddingMethod: 'repeat-x',
        sessionIDPlacement: 'path',
        seqPlacement: 'path',
        uplinkDataPlacement: 'auto',
        uplinkDataKey: 'X-Data',
        sessionIDLength: 0,
        uplinkChunkSize: '0',
        downloadSettings: null,
      }),
    );
    assert.deepEqual(parsed.xhttp, {});
    assert.deepEqual(right(xhttp({ uplinkDataPlacement: 'body' })).xhttp, {});
  });

  it('reports the other transport sections as ignored', () => {
    assert.deepEqual(right(xhttp({}, { httpSettings: { path: '/x' }, sockopt: {} })).warnings, [
      'streamSettings.httpSettings is ignored by the XHTTP transport',
      'streamSettings.sockopt is ignored by the XHTTP transport',
    ]);
    assert.deepEqual(right({ network: 'http', xhttpSettings: {} }).warnings, ['streamSettings.xhttpSettings is ignored by the http transport']);
  });

  it('warns that serverMaxHeaderBytes is not honoured, and refuses a negative one as Xray does', () => {
    assert.deepEqual(right(xhttp({ serverMaxHeaderBytes: 16_384 })).warnings, [
      "streamSettings.xhttpSettings.serverMaxHeaderBytes is ignored: h2tunnel's server bounds headers itself",
    ]);
    assert.match(left(xhttp({ serverMaxHeaderBytes: -1 })).message, /invalid negative value of maxHeaderBytes/);
  });

  // What h2tunnel cannot honour stops the start, naming the key, rather than making a tunnel the peer refuses.
  const refusals: readonly (readonly [string, unknown, string, RegExp])[] = [
    ['REALITY', xhttp({}, { security: 'reality', realitySettings: {} }), 'streamSettings.security', /REALITY/],
    ['uTLS fingerprint', xhttp({}, { security: 'tls', tlsSettings: { fingerprint: 'chrome' } }), 'streamSettings.tlsSettings.fingerprint', /uTLS/],
    ['h3', xhttp({}, { security: 'tls', tlsSettings: { alpn: ['h3'] } }), 'streamSettings.tlsSettings.alpn', /QUIC/],
    [
      'downloadSettings',
      xhttp({ downloadSettings: { address: 'cdn.test', port: 443, network: 'xhttp' } }),
      'streamSettings.xhttpSettings.downloadSettings',
      /same server/,
    ],
    ['xPaddingObfsMode', xhttp({ xPaddingObfsMode: true }), 'streamSettings.xhttpSettings.xPaddingObfsMode', /obfuscation option/],
    ['xPaddingKey', xhttp({ xPaddingKey: 'pad' }), 'streamSettings.xhttpSettings.xPaddingKey', /obfuscation option/],
    ['xPaddingHeader', xhttp({ xPaddingHeader: 'X-Pad' }), 'streamSettings.xhttpSettings.xPaddingHeader', /obfuscation option/],
    ['xPaddingPlacement', xhttp({ xPaddingPlacement: 'cookie' }), 'streamSettings.xhttpSettings.xPaddingPlacement', /obfuscation option/],
    ['xPaddingMethod', xhttp({ xPaddingMethod: 'tokenish' }), 'streamSettings.xhttpSettings.xPaddingMethod', /obfuscation option/],
    ['sessionIDPlacement', xhttp({ sessionIDPlacement: 'header' }), 'streamSettings.xhttpSettings.sessionIDPlacement', /obfuscation option/],
    ['sessionIDKey', xhttp({ sessionIDKey: 'sid' }), 'streamSettings.xhttpSettings.sessionIDKey', /obfuscation option/],
    ['sessionIDTable', xhttp({ sessionIDTable: 'hex' }), 'streamSettings.xhttpSettings.sessionIDTable', /obfuscation option/],
    ['sessionIDLength', xhttp({ sessionIDLength: '16-24' }), 'streamSettings.xhttpSettings.sessionIDLength', /obfuscation option/],
    ['seqPlacement', xhttp({ seqPlacement: 'query' }), 'streamSettings.xhttpSettings.seqPlacement', /obfuscation option/],
    ['seqKey', xhttp({ seqKey: 'n' }), 'streamSettings.xhttpSettings.seqKey', /obfuscation option/],
    [
      'uplinkDataPlacement',
      xhttp({ mode: 'packet-up', uplinkDataPlacement: 'header' }),
      'streamSettings.xhttpSettings.uplinkDataPlacement',
      /obfuscation option/,
    ],
    ['uplinkDataKey', xhttp({ uplinkDataKey: 'X-Up' }), 'streamSettings.xhttpSettings.uplinkDataKey', /obfuscation option/],
    ['uplinkChunkSize', xhttp({ uplinkChunkSize: 3000 }), 'streamSettings.xhttpSettings.uplinkChunkSize', /obfuscation option/],
    ['uplinkHTTPMethod GET', xhttp({ mode: 'packet-up', uplinkHTTPMethod: 'get' }), 'streamSettings.xhttpSettings.uplinkHTTPMethod', /headers or cookies/],
  ];
  for (const [what, json, key, message] of refusals) {
    it(`refuses ${what}, naming ${key}`, () => {
      const error = left(json);
      assert.equal(error._tag, 'InvalidConfig');
      assert.equal(error.key, key);
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /\n/);
    });
  }

  it('refuses what Xray refuses, naming the key', () => {
    const keyOf = (settings: object) => left(xhttp(settings)).key;
    assert.equal(keyOf({ mode: 'stream-down' }), 'streamSettings.xhttpSettings.mode');
    assert.equal(keyOf({ headers: { Host: 'x.test' } }), 'streamSettings.xhttpSettings.headers.Host');
    assert.equal(keyOf({ headers: { 'X-A': ['1'] } }), 'streamSettings.xhttpSettings.headers.X-A');
    assert.equal(keyOf({ xPaddingBytes: '-1-100' }), 'streamSettings.xhttpSettings.xPaddingBytes');
    assert.equal(keyOf({ xPaddingBytes: { from: 1, to: 2 } }), 'streamSettings.xhttpSettings.xPaddingBytes');
    assert.equal(keyOf({ scMaxEachPostBytes: '0-100' }), 'streamSettings.xhttpSettings.scMaxEachPostBytes');
    assert.equal(keyOf({ scMaxBufferedPosts: '30' }), 'streamSettings.xhttpSettings.scMaxBufferedPosts');
    assert.equal(keyOf({ scStreamUpServerSecs: '0-20' }), 'streamSettings.xhttpSettings.scStreamUpServerSecs');
    assert.equal(keyOf({ xmux: { maxConnections: 2, maxConcurrency: 8 } }), 'streamSettings.xhttpSettings.xmux.maxConnections');
    assert.equal(keyOf({ xmux: { maxConnection: 2 } }), 'streamSettings.xhttpSettings.xmux.maxConnection');
    assert.equal(keyOf({ host: ['a.test'] }), 'streamSettings.xhttpSettings.host');
    assert.equal(keyOf({ paddingBytes: 100 }), 'streamSettings.xhttpSettings.paddingBytes');
  });

  it('points a whole Xray config at run -c, naming its XHTTP outbound', () => {
    const config = { inbounds: [], outbounds: [{ tag: 'x', protocol: 'freedom', streamSettings: { network: 'XHTTP' } }] };
    assert.match(left(config).message, /use the "streamSettings" of outbounds\[0\] \(tag "x"\)/);
  });
});
