import { strict as assert } from 'node:assert';
import { DeliveryRate } from '../../src/session/delivery-rate.js';

/**
 * A sender writing `rate` bytes per ms over a link of `rttMs`, a PING every `everyMs` for `ms`: returns
 * the rounds that ended. Every PING is acknowledged one round trip after it left.
 */
function run(
  delivery: DeliveryRate,
  from: { at: number; written: number },
  rate: number,
  rttMs: number,
  everyMs: number,
  ms: number,
  { busy = true, jitterMs = 0 } = {},
): number {
  const pending: { mark: ReturnType<DeliveryRate['mark']>; due: number }[] = [];
  let rounds = 0;
  for (let t = from.at; t < from.at + ms; t += 1) {
    for (let next = pending[0]; next !== undefined && next.due <= t; next = pending[0]) {
      pending.shift();
      if (delivery.acked(next.mark, t)) rounds++;
    }
    from.written += rate;
    // A late acknowledgement delays the ones behind it too: they are handled in order.
    if (t % everyMs === 0)
      pending.push({ mark: delivery.mark(from.written, t, busy), due: Math.max(pending.at(-1)?.due ?? 0, t + rttMs + jitter(t) * jitterMs) });
  }
  from.at += ms;
  return rounds;
}

/** A fixed pseudo-random number in [0, 1) for each ms. */
const jitter = (t: number) => {
  const x = Math.sin(t * 12.9898) * 43758.5453;
  return x - Math.floor(x);
};

describe('DeliveryRate', () => {
  it('knows nothing before the first acknowledgement', () => {
    const delivery = new DeliveryRate();
    assert.equal(delivery.maxRate, 0);
    assert.equal(delivery.delivered, 0);
    assert.equal(delivery.minRttMs, Number.POSITIVE_INFINITY);
  });

  it('reads the rate a busy sender delivered and the shortest round trip', () => {
    const delivery = new DeliveryRate();
    const rounds = run(delivery, { at: 0, written: 0 }, 50_000, 40, 5, 1_000);
    assert.ok(Math.abs(delivery.maxRate - 50_000) < 2_500, `rate ${delivery.maxRate} bytes/ms`);
    assert.equal(delivery.minRttMs, 40);
    // A round ends each round trip: about 1 s / 40 ms, the first one starting with the first PING.
    assert.ok(rounds >= 20 && rounds <= 25, `${rounds} rounds`);
    assert.ok(delivery.delivered > 0.9 * 50_000 * 960, `delivered ${delivery.delivered}`);
  });

  it('reads the rate over whole rounds: acknowledgements handled up to 8 ms late do not inflate it', () => {
    const delivery = new DeliveryRate();
    run(delivery, { at: 0, written: 0 }, 50_000, 40, 5, 3_000, { jitterMs: 8 });
    // Between two acknowledgements 5 ms apart, 8 ms of lateness reads up to 2.6 times the rate; over a
    // round trip, a fifth more; over a whole round, what the lateness of its two ends allows.
    assert.ok(delivery.maxRate < 1.15 * 50_000, `rate ${delivery.maxRate} bytes/ms`);
    assert.ok(delivery.maxRate > 0.9 * 50_000, `rate ${delivery.maxRate} bytes/ms`);
  });

  it('keeps the best rate of the last ten rounds, then follows a slower link', () => {
    const delivery = new DeliveryRate();
    const clock = { at: 0, written: 0 };
    run(delivery, clock, 50_000, 40, 5, 1_000);
    run(delivery, clock, 20_000, 40, 5, 200);
    assert.ok(delivery.maxRate > 45_000, 'five rounds at a lower rate do not lower it');
    run(delivery, clock, 20_000, 40, 5, 600);
    assert.ok(Math.abs(delivery.maxRate - 20_000) < 2_000, `rate ${delivery.maxRate} after fifteen rounds at 20 MB/s`);
  });

  it('lets an idle application neither lower the rate nor age it: no round passes', () => {
    const delivery = new DeliveryRate();
    const clock = { at: 0, written: 0 };
    run(delivery, clock, 50_000, 40, 5, 1_000);
    const before = delivery.rounds;
    assert.equal(run(delivery, clock, 1_000, 40, 5, 5_000, { busy: false }), 0);
    assert.equal(delivery.rounds, before);
    assert.ok(delivery.maxRate > 45_000, `rate ${delivery.maxRate} after 5 s of a trickle`);
  });
});
