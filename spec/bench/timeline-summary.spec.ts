import { strict as assert } from 'node:assert';
import { summarize } from '../../bench/timeline/summary.js';

const at = (us: number) => BigInt(us * 1_000);

describe('bench timeline summary', () => {
  it('cuts the marks into opens at each start and takes the median offset of every step', () => {
    const marks = [
      { at: at(5), label: 'c.accept' }, // before the first start: warm-up noise, dropped
      { at: at(100), label: 'd.connect' },
      { at: at(130), label: 'c.accept' },
      { at: at(200), label: 'd.echo' },
      { at: at(1_000), label: 'd.connect' },
      { at: at(1_010), label: 'c.accept' },
      { at: at(1_300), label: 'd.echo' },
      { at: at(2_000), label: 'd.connect' },
      { at: at(2_020), label: 'c.accept' },
      { at: at(2_150), label: 'd.echo' },
    ];
    // Shuffled, as the marks of several processes arrive: the summary orders them by time.
    const summary = summarize([...marks].reverse(), 'd.connect');
    assert.equal(summary.opens, 3);
    assert.deepEqual(
      summary.steps.map((s) => [s.label, s.medianUs, s.count]),
      [
        ['d.connect', 0, 3],
        ['c.accept', 20, 3],
        ['d.echo', 150, 3],
      ],
    );
    assert.deepEqual(summary.orders, [{ order: 'd.connect c.accept d.echo', opens: 3 }]);
  });

  it('counts an open whose steps came in another order apart', () => {
    const summary = summarize(
      [
        { at: at(0), label: 'd.connect' },
        { at: at(10), label: 'a' },
        { at: at(20), label: 'b' },
        { at: at(100), label: 'd.connect' },
        { at: at(120), label: 'b' },
        { at: at(130), label: 'a' },
      ],
      'd.connect',
    );
    assert.deepEqual(
      summary.orders.map((o) => o.opens),
      [1, 1],
    );
  });
});
