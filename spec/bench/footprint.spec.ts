import { strict as assert } from 'node:assert';
import { cpuSeconds, rss } from '../../bench/load/footprint.js';

describe('bench footprint readings', () => {
  it('reads a process CPU time that grows as it computes', () => {
    const before = cpuSeconds(process.pid);
    const until = Date.now() + 150;
    let spin = 0;
    while (Date.now() < until) spin++;
    assert.ok(spin > 0);
    const after = cpuSeconds(process.pid);
    assert.ok(after - before >= 0.05, `CPU went from ${before} to ${after} s over 150 ms of spinning`);
    assert.ok(Math.abs(after - (process.cpuUsage().user + process.cpuUsage().system) / 1e6) < 0.1);
  });

  it('is NaN for a process that does not exist', () => {
    assert.ok(Number.isNaN(cpuSeconds(2 ** 22 + 1)));
    assert.ok(Number.isNaN(rss(2 ** 22 + 1)));
  });
});
