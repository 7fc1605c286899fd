import type { DeliveryRate } from './delivery-rate.js';
import { FULL_ROUNDS, LINK_MIN_RTT_MS, RISING, STEADY_GAIN } from './link-rules.js';

/** Where a capped sender stands. */
export type CapPhase =
  /** The rate still rises each round trip: the cap leaves room for it to double. */
  | { readonly kind: 'startup'; readonly fullRate: number; readonly flatRounds: number }
  /** A round with almost nothing let go: the queue empties, and a PING sent then reads the link's own round trip. */
  | { readonly kind: 'drain'; readonly rounds: number }
  /** The rate stopped rising: the cap holds a little more than the path carries in a round trip. */
  | { readonly kind: 'steady'; readonly rounds: number };

// 2/ln 2, BBR's startup gain: room for the rate to double each round trip.
const STARTUP_GAIN = 2.885;
// Once steady, what the cap lets go is spread at twice the best rate: released at once, it would leave
// as one burst acknowledged by one PING, which frees the next burst, and the link would idle between
// them with a queue at each. Twice the rate never binds while the cap does.
const PACE_GAIN = 2;
// A steady cap keeps (gain - 1) round trips queued, and no PING behind that queue reads less: a round trip
// first read long (a process busy at the session's start) would size the cap too large for good. So the
// cap drains the queue for a round on reaching steady and every this many rounds after, as BBR's ProbeRTT
// does: the PINGs that leave once the queue is empty read the link's own round trip, even those that
// come back after the round ended. Two rounds would cost the bulk stream 5-8 % in the specs' link.
const DRAIN_EVERY_ROUNDS = 32;
const DRAIN_ROUNDS = 1;

/**
 * How many bytes a bulk sender may keep in flight so that the queues in front of a link stay short:
 * `gain` round trips of the best rate the path delivered lately (BBR's congestion window). Everything a sender keeps in flight beyond the path's bandwidth-delay product waits in a queue,
 * where every other stream's next frame waits behind it; a sender that writes what its HTTP/2 window
 * allows keeps the whole window there.
 *
 * The cap needs no queue signal, and its pace (twice the rate, to spread its bursts) never binds. A round trip stretched by a busy peer shows up as a queue
 * to any rule that reads delays, and a pace held to the rate already delivered never finds more. With a
 * gain above 1 the cap probes by itself: while it binds, each round delivers `gain` times the rate the
 * last one measured, until the link is full; from then on only `(gain - 1)` round trips stand in the
 * queues. Only the shortest round trip (the link's own) and the best recent rate are read, and noise
 * makes neither smaller. Pure: the caller feeds {@link DeliveryRate} and asks for the limit.
 *
 * @example
 * ```ts
 * const cap = new InFlightCap(delivery);
 * cap.update(delivery.acked(mark, performance.now()));
 * if (inFlight < cap.limit(pingIntervalMs)) write();
 * ```
 */
export class InFlightCap {
  private state: CapPhase = { kind: 'startup', fullRate: 0, flatRounds: 0 };

  constructor(
    private readonly delivery: DeliveryRate,
    private readonly gain = STEADY_GAIN,
  ) {}

  get phase(): CapPhase {
    return this.state;
  }

  /** After an acknowledgement: whether it ended a round in which the sender was busy. */
  update(roundEnded: boolean): void {
    const phase = this.state;
    if (!roundEnded) return;
    if (phase.kind === 'drain') this.state = phase.rounds + 1 >= DRAIN_ROUNDS ? { kind: 'steady', rounds: 0 } : { kind: 'drain', rounds: phase.rounds + 1 };
    else if (phase.kind === 'steady')
      this.state = phase.rounds + 1 >= DRAIN_EVERY_ROUNDS ? { kind: 'drain', rounds: 0 } : { kind: 'steady', rounds: phase.rounds + 1 };
    else {
      const rate = this.delivery.maxRate;
      if (rate >= phase.fullRate * RISING) this.state = { kind: 'startup', fullRate: rate, flatRounds: 0 };
      else if (phase.flatRounds + 1 >= FULL_ROUNDS) this.state = { kind: 'drain', rounds: 0 };
      else this.state = { ...phase, flatRounds: phase.flatRounds + 1 };
    }
  }

  /**
   * Bytes that may be in flight, plus a PING interval's worth: an acknowledgement answers only for what
   * was written before its PING left. Infinite while the link is unknown or too short to need a cap.
   */
  limit(pingIntervalMs: number): number {
    if (!this.known()) return Number.POSITIVE_INFINITY;
    const gain = this.state.kind === 'startup' ? STARTUP_GAIN : this.state.kind === 'drain' ? 0 : this.gain;
    return this.delivery.maxRate * (gain * this.delivery.minRttMs + pingIntervalMs);
  }

  /** Bytes per ms the sender may write once steady; infinite before (the cap alone holds the startup). */
  get pace(): number {
    return this.known() && this.state.kind !== 'startup' ? PACE_GAIN * this.delivery.maxRate : Number.POSITIVE_INFINITY;
  }

  /** True once a round trip under 5 ms was seen: the link is too short to need a cap, for good. */
  get unneeded(): boolean {
    return this.delivery.minRttMs < LINK_MIN_RTT_MS;
  }

  private known(): boolean {
    return this.delivery.minRttMs >= LINK_MIN_RTT_MS && this.delivery.maxRate > 0;
  }
}
