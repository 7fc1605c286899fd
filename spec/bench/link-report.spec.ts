import { strict as assert } from 'node:assert';
import { linkCurves, renderChart } from '../../bench/report/chart.js';
import { renderLinkTable } from '../../bench/report/link-table.js';

describe('bench: the link report', () => {
  const figures = {
    '150': { v2ray: { bulk1: 7, held1: 6.5, loadedP50: 310, loadedBulk: 6.6 }, 'h2tunnel-cli': { bulk1: 30, held1: 40, loadedP50: 200, loadedBulk: 30 } },
    '40': {
      v2ray: { warmP50: 84, bulk1: 24, held1: 23, loadedP50: 91, loadedBulk: 23 },
      'h2tunnel-cli': { warmP50: 42, bulk1: 36, held1: 80, loadedP50: 70, loadedBulk: 30 },
      'h2tunnel-cli-bulk-cap': { warmP50: 43, held1: 78, loadedP50: 60, loadedBulk: 36 },
      stunnel: { warmP50: 126, bulk1: 66 },
      'raw-tcp': { bulk1: 140 },
    },
  };

  it('marks each target against v2ray as met or missed, with the stunnel ratio beside it', () => {
    const table = renderLinkTable(figures);
    assert.match(table, /\| warm first byte p50 \(ms\) \| 42\.0 \| {2}\| 84\.0 \| 0\.50x \| <= 0\.6x met \| 43\.0 \| 0\.51x met \| 126 \| 0\.33x \| {2}\|/);
    assert.match(table, /\| one tunnel held after warm-up \(MB\/s\) \| 80\.0 \| {2}\| 23\.0 \| 3\.48x \| >= 3x met \| 78\.0 \| 3\.39x met \|/);
    assert.match(
      table,
      /\| one tunnel, first 64 MB of fresh processes \(MB\/s\) \| 36\.0 \| {2}\| 24\.0 \| 1\.50x \| {2}\| {2}\| {2}\| 66\.0 \| 0\.55x \| 140 \|/,
    );
    assert.ok(table.indexOf('150 ms RTT') >= 0 && table.indexOf('40 ms RTT') >= 0, 'one table per RTT');
  });

  it('meets the first byte under load only with the bulk tunnel fast enough in the same run', () => {
    const table = renderLinkTable(figures);
    const at40 = table.slice(table.indexOf('40 ms RTT'), table.indexOf('150 ms RTT'));
    // 70 / 91 = 0.77x, but the bulk tunnel carried 30 / 23 = 1.30x of v2ray's: a short queue bought by a slow bulk.
    assert.match(at40, /\| first byte under load p50 \(ms\) \| 70\.0 \| {2}\| 91\.0 \| 0\.77x \| <= 0\.8x with bulk >= 1\.5x MISSED \|/);
    assert.match(at40, /\| the bulk tunnel meanwhile \(MB\/s\) \| 30\.0 \| {2}\| 23\.0 \| 1\.30x \| >= 1\.5x MISSED \|/);
    // The CLI with --bulk-cap, judged against the same pair of bounds: 60 / 91 = 0.66x with 36 / 23 = 1.57x.
    assert.match(at40, /\| first byte under load p50 \(ms\) \| 70\.0 \| .* MISSED \| 60\.0 \| 0\.66x met \|/);
    assert.match(at40, /\| the bulk tunnel meanwhile \(MB\/s\) \| 30\.0 \| .* MISSED \| 36\.0 \| 1\.57x met \|/);
    const at150 = table.slice(table.indexOf('150 ms RTT'));
    assert.match(at150, /\| first byte under load p50 \(ms\) \| 200 \| {2}\| 310 \| 0\.65x \| <= 0\.8x with bulk >= 1\.5x met \|/);
  });

  it('judges the under-load and held targets at 40 and 150 ms only', () => {
    const table = renderLinkTable({
      '10': { v2ray: { held1: 50, loadedP50: 40, loadedBulk: 40 }, 'h2tunnel-cli': { held1: 60, loadedP50: 42, loadedBulk: 45 } },
    });
    assert.match(table, /\| one tunnel held after warm-up \(MB\/s\) \| 60\.0 \| {2}\| 50\.0 \| 1\.20x \| {2}\|/);
    assert.match(table, /\| first byte under load p50 \(ms\) \| 42\.0 \| {2}\| 40\.0 \| 1\.05x \| {2}\|/);
  });

  it('turns the one-tunnel figures into curves over RTT, in order, and charts them', () => {
    const curves = linkCurves(figures);
    // The held figure where there is one: the first 64 MB of fresh processes reads their warm-up.
    assert.deepEqual(curves['v2ray'], [
      { rttMs: 40, mbPerSecond: 23 },
      { rttMs: 150, mbPerSecond: 6.5 },
    ]);
    assert.equal(curves['stunnel']?.length, 1);
    const svg = renderChart({}, 'link only', curves);
    assert.match(svg, /one tunnel through the link/);
    assert.match(svg, /round-trip time, ms/);
    assert.doesNotMatch(svg, /memory: client \+ server RSS/, 'no empty sweep panels');
  });
});
