import { strict as assert } from 'node:assert';
import { isXhttpChain, xhttpChainNames, xhttpChainOf } from '../../bench/chains/xhttp-chain.js';
import { xhttpClientStream, xhttpServerStream } from '../../bench/chains/xhttp-stream.js';
import { renderXhttpTable } from '../../bench/report/xhttp-table.js';
import { verdict, xhttpTarget } from '../../bench/report/xhttp-targets.js';
import { parseStreamSettings } from '../../src/v2ray-config/stream-settings.js';

describe('bench: XHTTP against Xray', () => {
  const loopback = {
    'xhttp-stream-one': { throughput1: 150, openP50: 1.2, memTotal: 40 },
    'xray-stream-one': { throughput1: 90, openP50: 1.0, memTotal: 120 },
    'xhttp-packet-up': { throughput1: 30, memTotal: 70 },
    'xray-packet-up': { throughput1: 32, memTotal: 130 },
  };
  const link = {
    '40': {
      'xhttp-stream-one': { warmP50: 90, bulk1: 50 },
      'xray-stream-one': { warmP50: 45, bulk1: 22 },
      'xhttp-packet-up': { bulk1: 15 },
      'xray-packet-up': { bulk1: 20 },
    },
  };

  it("names ours and Xray's chain of each mode, back to back", () => {
    assert.deepEqual(xhttpChainNames(['stream-one', 'packet-up']), ['xhttp-stream-one', 'xray-stream-one', 'xhttp-packet-up', 'xray-packet-up']);
    assert.deepEqual(xhttpChainOf('xray-stream-up'), { mode: 'stream-up', xray: true });
    assert.ok(isXhttpChain('xhttp-packet-up'));
    assert.ok(!isXhttpChain('h2tunnel-cli') && !isXhttpChain('xhttp-auto'));
  });

  it("judges issue 26's targets per mode and place, and only those", () => {
    assert.equal(verdict(xhttpTarget('stream-one', 'loopback', 'throughput1'), 1.6), '>= 1.5x met');
    assert.equal(verdict(xhttpTarget('packet-up', 'loopback', 'throughput1'), 0.9), '>= 1x MISSED');
    assert.equal(verdict(xhttpTarget('stream-one', 40, 'warmP50'), 2), '<= 1x MISSED');
    assert.equal(verdict(xhttpTarget('stream-up', 'loopback', 'memTotal'), 0.4), '<= 0.5x met', 'memory holds for every mode');
    assert.equal(xhttpTarget('stream-one', 10, 'warmP50'), undefined, 'the first-byte target is at 40 ms');
    assert.equal(xhttpTarget('stream-up', 'loopback', 'throughput1'), undefined);
    assert.equal(verdict(xhttpTarget('stream-one', 40, 'bulk1'), NaN), '>= 1.5x', 'a missing figure is not judged');
  });

  it('prints one line of ratios per mode, then every figure side by side with its verdict', () => {
    const table = renderXhttpTable(loopback, link, ['stream-one', 'packet-up']);
    assert.match(table, /\| stream-one \| 1\.67x \| 2\.27x \| 1\.20x \| 2\.00x \|/);
    assert.match(table, /\| packet-up \| 0\.94x \| 0\.75x \| {2}\| {2}\|/);
    assert.match(table, /\| loopback: one tunnel \(MB\/s\) \| 150 \| 90\.0 \| 1\.67x \| >= 1\.5x met \|/);
    assert.match(table, /\| loopback: memory\/tunnel held, client \+ server \(KB\) \| 40\.0 \| 120 \| 0\.33x \| <= 0\.5x met \|/);
    assert.match(table, /\| 40 ms: warm first byte p50 \(ms\) \| 90\.0 \| 45\.0 \| 2\.00x \| <= 1x MISSED \|/);
    assert.match(table, /\| 40 ms: one tunnel \(MB\/s\) \| 15\.0 \| 20\.0 \| 0\.75x \| >= 1x MISSED \|/);
    assert.match(table, /\| XHTTP packet-up \| h2tunnel CLI \| Xray \|/);
    assert.doesNotMatch(table, /stream-up/);
    assert.doesNotMatch(table, /cold first byte/, 'a figure measured for no chain has no row');
  });

  it("sets the platform's one tunnel beside Xray's stream-one when the run measured it: the ceiling of any Node tunnel", () => {
    const withPlatform = { ...loopback, 'bare-http2': { throughput1: 120 }, 'h2tunnel-cli': { throughput1: 110 } };
    const table = renderXhttpTable(withPlatform, link, ['stream-one', 'packet-up']);
    assert.match(table, /\| loopback: one tunnel, bare Node http2 \(the platform\) \(MB\/s\) \| 120 \| 90\.0 \| 1\.33x \| {2}\|/);
    assert.match(table, /\| loopback: one tunnel, h2tunnel CLI over v2ray's PUT \(MB\/s\) \| 110 \| 90\.0 \| 1\.22x \| {2}\|/);
    assert.equal(table.match(/bare Node http2/g)?.length, 1, 'stream-one only: the successor of the PUT tunnel');
    assert.doesNotMatch(renderXhttpTable(loopback, link, ['stream-one']), /bare Node http2/, 'not measured: no row');
  });

  it('hands h2tunnel the same XHTTP streamSettings Xray runs, for either end', () => {
    const files = { certFile: '/certs/cert.pem', keyFile: '/certs/key.pem' };
    for (const stream of [xhttpServerStream('packet-up', files), xhttpClientStream('stream-one', files.certFile)]) {
      const read = parseStreamSettings(stream);
      assert.ok(read._tag === 'Right', JSON.stringify(read));
      assert.equal(read.right.http.path, '/tun/');
      assert.ok(read.right.xhttp !== undefined && read.right.tls !== undefined && read.right.warnings.length === 0);
    }
  });
});
