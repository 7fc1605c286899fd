import { strict as assert } from 'node:assert';
import { FREE_RESET_AFTER_MS, ResetBudget } from '../../src/server/reset-budget.js';

describe('ResetBudget', () => {
  it('allows the burst at once, then refuses', () => {
    const budget = new ResetBudget({ burst: 3, perSecond: 1 }, 0);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => budget.spend(0)),
      [true, true, true, false],
    );
  });

  it('refills at the rate, never above the burst', () => {
    const budget = new ResetBudget({ burst: 2, perSecond: 10 }, 0);
    budget.spend(0);
    budget.spend(0);
    assert.equal(budget.spend(50), false, 'half a token after 50 ms');
    assert.equal(budget.spend(100), true, 'one token after 100 ms');
    // A long quiet spell refills to the burst, not beyond it.
    assert.deepEqual(
      [1, 2, 3].map(() => budget.spend(60_000)),
      [true, true, false],
    );
  });

  it('counts no reset of a stream that lived FREE_RESET_AFTER_MS: that is how XHTTP clients end tunnels', () => {
    const budget = new ResetBudget({ burst: 2, perSecond: 1 }, 0);
    for (let i = 0; i < 100; i++) assert.ok(budget.spend(10_000, 10_000 - FREE_RESET_AFTER_MS), `refused reset ${i}`);
    // The burst is untouched: two young streams still pass, the third does not.
    assert.deepEqual(
      [1, 2, 3].map(() => budget.spend(10_000, 10_000 - FREE_RESET_AFTER_MS + 1)),
      [true, true, false],
    );
  });

  it('sustains exactly the rate: a client cancelling steadily below it is never refused', () => {
    const budget = new ResetBudget({ burst: 5, perSecond: 50 }, 0);
    for (let t = 0; t < 10_000; t += 25) assert.ok(budget.spend(t), `refused at ${t} ms`);
  });
});
