import { strict as assert } from 'node:assert';
import { DeliveryRate, type PingMark } from '../../src/session/delivery-rate.js';
import { InFlightCap } from '../../src/session/in-flight-cap.js';
import { STEADY_GAIN } from '../../src/session/link-rules.js';

interface LinkRun {
  /** The queue in front of the link, in ms of its rate, sampled every ms. */
  readonly queueMs: number[];
  /** Bytes delivered per ms, every ms. */
  readonly delivered: number[];
  readonly phases: string[];
}

/**
 * A sender that always has data, held by an {@link InFlightCap} (and by an HTTP/2 window, `windowRtts`
 * round trips of the link's product), through a link with its queue in front; a PING every `pingMs`,
 * acknowledged once everything written before it crossed the queue and the round trip, and `busyPeerMs`
 * more (a peer on a busy machine answers late). One step per ms; the link's rate (bytes per ms) and the
 * peer may change between runs.
 */
class CappedSender {
  readonly delivery = new DeliveryRate();
  readonly cap = new InFlightCap(this.delivery);
  private t = 0;
  private written = 0;
  private departed = 0;
  private tokens = 0;
  private readonly acks: { mark: PingMark; due: number }[] = [];

  constructor(
    private readonly rttMs: number,
    private readonly pingMs = 5,
    private readonly capped = true,
  ) {}

  run(rate: number, ms: number, busyPeerMs = 0, windowRtts = 3): LinkRun {
    const run: LinkRun = { queueMs: [], delivered: [], phases: [] };
    const { delivery, cap } = this;
    for (const end = this.t + ms; this.t < end; this.t++) {
      const t = this.t;
      for (let i = this.acks.findIndex((a) => a.due <= t); i >= 0; i = this.acks.findIndex((a) => a.due <= t)) {
        const [ack] = this.acks.splice(i, 1);
        if (ack !== undefined) cap.update(delivery.acked(ack.mark, t));
      }
      const queued = (this.written - this.departed) / rate;
      if (t % this.pingMs === 0) this.acks.push({ mark: delivery.mark(this.written, t, true), due: t + queued + this.rttMs + busyPeerMs });
      const window = windowRtts * rate * this.rttMs;
      const limit = this.capped ? Math.min(cap.limit(this.pingMs), window) : window;
      const pace = this.capped ? cap.pace : Number.POSITIVE_INFINITY;
      this.tokens = Math.min(this.tokens + pace, pace * 2);
      // What a socket takes at once: ten ms of the link.
      const send = Math.max(0, Math.min(limit - (this.written - delivery.delivered), rate * 10, this.tokens));
      this.written += send;
      this.tokens -= send;
      const before = this.departed;
      this.departed = Math.min(this.written, this.departed + rate);
      run.delivered.push(this.departed - before);
      run.queueMs.push((this.written - this.departed) / rate);
      run.phases.push(cap.phase.kind);
    }
    return run;
  }
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('InFlightCap', () => {
  it('holds nothing before the link is known, nor below a 5 ms round trip', () => {
    const sender = new CappedSender(1, 1);
    assert.equal(sender.cap.limit(5), Number.POSITIVE_INFINITY);
    sender.run(1e6, 500);
    assert.ok(sender.delivery.maxRate > 0);
    assert.ok(sender.cap.unneeded);
    assert.equal(sender.cap.limit(1), Number.POSITIVE_INFINITY, 'loopback: the windows outrun one tunnel already');
  });

  for (const { rttMs, pingMs, startupMs } of [
    { rttMs: 40, pingMs: 5, startupMs: 600 },
    { rttMs: 150, pingMs: 19, startupMs: 2_000 },
  ]) {
    it(`fills a 50 MB/s, ${rttMs} ms link in a few round trips, then keeps half a round trip queued where the window alone kept more than one`, () => {
      const run = new CappedSender(rttMs, pingMs).run(50_000, 25 * rttMs + 2 * startupMs);
      const steady = run.phases.findIndex((phase) => phase !== 'startup');
      assert.ok(steady > 0 && steady < startupMs, `steady from ${steady} ms`);
      const after = { queue: run.queueMs.slice(startupMs), delivered: run.delivered.slice(startupMs) };
      assert.ok(mean(after.delivered) > 0.95 * 50_000, `delivered ${mean(after.delivered).toFixed(0)} bytes/ms`);
      // (gain - 1) round trips, and a PING interval the acknowledgements lag by.
      assert.ok(mean(after.queue) < (STEADY_GAIN - 1) * rttMs + pingMs, `queue ${mean(after.queue).toFixed(1)} ms on average`);
      const uncapped = new CappedSender(rttMs, pingMs, false).run(50_000, 25 * rttMs + 2 * startupMs);
      const windowQueue = mean(uncapped.queueMs.slice(startupMs));
      assert.ok(windowQueue > rttMs, `the window alone kept ${windowQueue.toFixed(1)} ms queued`);
    });
  }

  it('limits what is in flight to 1.5 round trips of the best rate once the rate stops rising', () => {
    const sender = new CappedSender(40);
    sender.run(50_000, 3_000);
    const { delivery, cap } = sender;
    assert.equal(cap.phase.kind, 'steady');
    assert.ok(Math.abs(cap.limit(5) - delivery.maxRate * (1.5 * delivery.minRttMs + 5)) < 1, `limit ${cap.limit(5)}`);
  });

  it("finds the link's own round trip again when the first PINGs were answered late: it drains the queue now and then", () => {
    // A busy process at the session's start answers the first PINGs 20 ms late: read alone, that round
    // trip would size the cap 50 % too large for good, and the queue it keeps hides the link's own.
    const sender = new CappedSender(40);
    sender.run(50_000, 800, 20);
    // Within 32 rounds of reaching steady (about 3 s here) it drains again and reads 40 ms.
    const later = sender.run(50_000, 4_000);
    assert.ok(sender.delivery.minRttMs < 42, `the shortest round trip read ${sender.delivery.minRttMs.toFixed(1)} ms`);
    assert.ok(mean(later.queueMs.slice(-1_000)) < (STEADY_GAIN - 1) * 40 + 5, `queue ${mean(later.queueMs.slice(-1_000)).toFixed(1)} ms on average`);
    assert.ok(mean(later.delivered.slice(-1_000)) > 0.9 * 50_000, `delivered ${mean(later.delivered.slice(-1_000)).toFixed(0)} bytes/ms`);
  });

  it('finds a faster link by itself: while the cap binds, each round delivers more than the last measured', () => {
    const sender = new CappedSender(40);
    sender.run(20_000, 2_000);
    assert.ok(sender.delivery.maxRate < 22_000);
    const faster = sender.run(50_000, 3_000);
    assert.ok(mean(faster.delivered.slice(-1_000)) > 0.95 * 50_000, `delivered ${mean(faster.delivered.slice(-1_000)).toFixed(0)} bytes/ms`);
  });

  it('keeps the link full for a peer that answers 15 ms late: the late answer is not read as a queue to drain', () => {
    const sender = new CappedSender(40);
    sender.run(50_000, 2_000);
    const slowed = sender.run(50_000, 3_000, 15);
    assert.ok(mean(slowed.delivered.slice(-1_500)) > 0.95 * 50_000, `delivered ${mean(slowed.delivered.slice(-1_500)).toFixed(0)} bytes/ms`);
  });
});
