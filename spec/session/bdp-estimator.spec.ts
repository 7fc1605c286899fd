import { strict as assert } from 'node:assert';
import { BdpEstimator, type WindowSizes } from '../../src/session/bdp-estimator.js';

const MiB = 1024 * 1024;
const limits = { floor: { stream: 2 * MiB, session: 4 * MiB }, cap: { stream: 16 * MiB, session: 32 * MiB }, budget: 64 * MiB };

/** Feeds the rounds a sender limited by the windows (or by `linkMBps`) would produce over `rttMs`. */
function ramp(estimator: BdpEstimator, rttMs: number, linkMBps: number, rounds: number, streams = 1): WindowSizes[] {
  const seen: WindowSizes[] = [];
  for (let i = 0; i < rounds; i++) {
    // Between half and a whole stream window is in flight: three quarters on average.
    const windowLimited = 0.75 * estimator.windows.stream;
    const linkLimited = linkMBps * 1e3 * rttMs;
    const grown = estimator.sample(Math.min(windowLimited * streams, linkLimited), rttMs, streams);
    if (grown !== undefined) seen.push(grown);
  }
  return seen;
}

describe('BdpEstimator', () => {
  it('starts at the floor', () => {
    assert.deepEqual(new BdpEstimator(limits).windows, limits.floor);
  });

  it('grows from a full window delivered in one round trip of a long link, once three round trips are known', () => {
    const estimator = new BdpEstimator(limits);
    assert.equal(estimator.sample(0, 40), undefined, 'an idle round only measures the delay');
    assert.equal(estimator.sample(2 * MiB, 40), undefined, 'one busy round trip may be a slow event loop, not the link');
    const grown = estimator.sample(2 * MiB, 40);
    assert.ok(grown !== undefined && grown.stream >= 4 * MiB, `grew to ${JSON.stringify(grown)}`);
    assert.equal(grown.session, 2 * grown.stream);
  });

  it('does not take one slow round trip for a link: a loopback PING delayed 8 ms by a busy event loop grows nothing', () => {
    const estimator = new BdpEstimator(limits);
    assert.equal(estimator.sample(2 * MiB, 8), undefined);
    assert.equal(estimator.sample(2 * MiB, 8), undefined);
    assert.equal(estimator.sample(2 * MiB, 0.4), undefined);
    for (let i = 0; i < 10; i++) assert.equal(estimator.sample(2 * MiB, 8), undefined, 'the link is loopback: its round trip was 0.4 ms once');
  });

  it('stays at the floor on loopback, however busy', () => {
    const estimator = new BdpEstimator(limits);
    estimator.sample(0, 0.2);
    // A PING that waited behind full socket buffers: 30 ms, with 4 MB read meanwhile.
    for (let i = 0; i < 20; i++) assert.equal(estimator.sample(4e6, 30), undefined);
    for (let i = 0; i < 20; i++) assert.equal(estimator.sample(60e3, 0.5), undefined);
    assert.deepEqual(estimator.windows, limits.floor);
  });

  it('never grows on a round trip under 5 ms, where the floor holds 400 MB/s', () => {
    const estimator = new BdpEstimator(limits);
    estimator.sample(0, 4.5);
    for (let i = 0; i < 20; i++) assert.equal(estimator.sample(2 * MiB, 4.5), undefined);
  });

  it('reaches the cap on a fast long link', () => {
    const estimator = new BdpEstimator(limits);
    estimator.sample(0, 150);
    ramp(estimator, 150, 1000, 30);
    assert.equal(estimator.windows.stream, limits.cap.stream);
    assert.equal(estimator.windows.session, limits.cap.session);
  });

  it('on a rate-limited link grows enough to fill it, and overshoots by no more than the startup gain', () => {
    const estimator = new BdpEstimator(limits);
    estimator.sample(0, 40);
    ramp(estimator, 40, 100, 40);
    const bdp = 100e3 * 40; // 100 MB/s × 40 ms = 4 MB
    const { stream } = estimator.windows;
    assert.ok(stream * 0.75 >= bdp, `${stream} keeps less than the product in flight`);
    assert.ok(stream <= 3 * bdp, `${stream} is more than three products`);
  });

  it('shares a budget between the open streams: a stalled reader can hold only its share', () => {
    const eight = new BdpEstimator(limits);
    eight.sample(0, 150);
    ramp(eight, 150, 1000, 30, 8);
    assert.equal(eight.windows.stream, 8 * MiB, '64 MiB over 8 streams');
    const many = new BdpEstimator(limits);
    many.sample(0, 150);
    ramp(many, 150, 1000, 30, 100);
    assert.equal(many.windows.stream, limits.floor.stream, 'the floor, whatever the budget says');
  });

  it('never shrinks what it advertised, whatever opens later', () => {
    const estimator = new BdpEstimator(limits);
    estimator.sample(0, 150);
    ramp(estimator, 150, 1000, 30, 1);
    assert.equal(estimator.windows.stream, 16 * MiB);
    for (let i = 0; i < 10; i++) assert.equal(estimator.sample(8 * MiB, 150, 100), undefined, 'more streams open');
    for (let i = 0; i < 10; i++) assert.equal(estimator.sample(5 * MiB, 300), undefined, 'a slower link');
    assert.equal(estimator.windows.stream, 16 * MiB);
  });

  it('ignores rounds in which little arrived: an interactive tunnel says nothing about the link', () => {
    const estimator = new BdpEstimator(limits);
    estimator.sample(0, 40);
    estimator.sample(2 * MiB, 40);
    const after = estimator.windows;
    for (let i = 0; i < 20; i++) assert.equal(estimator.sample(10_000, 40), undefined);
    assert.deepEqual(estimator.windows, after);
  });

  it('never leaves the floor and the cap, and refuses nonsense samples', () => {
    const estimator = new BdpEstimator(limits);
    assert.equal(estimator.sample(1e9, 0), undefined);
    assert.equal(estimator.sample(-5, 10), undefined);
    assert.equal(estimator.sample(Number.NaN, 10), undefined);
    estimator.sample(0, 10);
    for (let i = 0; i < 10; i++) estimator.sample(1e12, 10);
    assert.equal(estimator.windows.stream, limits.cap.stream);
    for (let i = 0; i < 10; i++) estimator.sample(1, 10);
    assert.ok(estimator.windows.stream >= limits.floor.stream);
  });
});
