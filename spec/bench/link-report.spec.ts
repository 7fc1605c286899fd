import { strict as assert } from 'node:assert';
import { linkCurves, renderChart } from '../../bench/report/chart.js';
import { renderLinkTable } from '../../bench/report/link-table.js';

describe('bench: the link report', () => {
  const figures = {
    '150': { v2ray: { bulk1: 7 }, 'h2tunnel-cli': { bulk1: 30 } },
    '40': {
      v2ray: { warmP50: 84, bulk1: 24, loadedP50: 91 },
      'h2tunnel-cli': { warmP50: 42, bulk1: 36, loadedP50: 109 },
      stunnel: { warmP50: 126, bulk1: 66 },
      'raw-tcp': { bulk1: 140 },
    },
  };

  it('marks each target against v2ray as met or missed, with the stunnel ratio beside it', () => {
    const table = renderLinkTable(figures);
    assert.match(table, /\| warm first byte p50 \(ms\) \| 42\.0 \| {2}\| 84\.0 \| 0\.50x \| <= 0\.6x met \| 126 \| 0\.33x \| {2}\|/);
    assert.match(table, /\| one tunnel \(MB\/s\) \| 36\.0 \| {2}\| 24\.0 \| 1\.50x \| >= 3x MISSED \| 66\.0 \| 0\.55x \| 140 \|/);
    assert.match(table, /\| first byte under load p50 \(ms\) \| 109 \| {2}\| 91\.0 \| 1\.20x \| <= 0\.8x MISSED \|/);
    assert.ok(table.indexOf('150 ms RTT') >= 0 && table.indexOf('40 ms RTT') >= 0, 'one table per RTT');
  });

  it('turns the one-tunnel figures into curves over RTT, in order, and charts them', () => {
    const curves = linkCurves(figures);
    assert.deepEqual(curves['v2ray'], [
      { rttMs: 40, mbPerSecond: 24 },
      { rttMs: 150, mbPerSecond: 7 },
    ]);
    assert.equal(curves['stunnel']?.length, 1);
    const svg = renderChart({}, 'link only', curves);
    assert.match(svg, /one tunnel through the link/);
    assert.match(svg, /round-trip time, ms/);
    assert.doesNotMatch(svg, /memory: client \+ server RSS/, 'no empty sweep panels');
  });
});
