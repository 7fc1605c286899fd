import { RATE_ROUNDS } from './link-rules.js';

/** What a sender knew when one PING left: its acknowledgement proves that every byte written before it arrived. */
export interface PingMark {
  /** Bytes written to the session's socket before the PING. */
  readonly written: number;
  /** When the PING left (ms). */
  readonly sentAt: number;
  /** Writes were waiting for the pace: the sender had more to send than it sent. */
  readonly busy: boolean;
}

/**
 * A sender's view of its own delivery, from PING acknowledgements the way BBR reads TCP's ACKs. A round
 * ends when a PING sent after it began comes back (one round trip); the bytes written between the
 * PINGs that began and ended it, over its length, are the rate the path delivered. One sample a round, not one an acknowledgement: a
 * busy event loop handles acknowledgements milliseconds late, and a rate over a few ms would swing by
 * half. Only a round in which the sender was busy the whole time measures the path; the others
 * neither age the samples nor lower them, so a pause of the application changes nothing. The shortest
 * PING round trip is the link's own delay. Pure: the caller passes byte counts and the clock (ms).
 *
 * @example
 * ```ts
 * const delivery = new DeliveryRate();
 * const mark = delivery.mark(session.socket.bytesWritten, performance.now(), true);
 * session.ping(() => delivery.acked(mark, performance.now()));
 * ```
 */
export class DeliveryRate {
  private deliveredBytes = 0;
  private minRtt = Number.POSITIVE_INFINITY;
  private samples: { readonly rate: number; readonly round: number }[] = [];
  private busyRounds = 0;
  /** The round under way: the acknowledgement that began it (when, and for which PING), whether the sender stayed busy. */
  private round = { startedAt: Number.NaN, from: { written: 0, sentAt: Number.NaN }, busy: true };

  /** Bytes known to have reached the peer. */
  get delivered(): number {
    return this.deliveredBytes;
  }

  /** The shortest PING round trip seen, in ms; infinite before the first. */
  get minRttMs(): number {
    return this.minRtt;
  }

  /** The best rate of the recent busy rounds, in bytes per ms; 0 before the first sample. */
  get maxRate(): number {
    let best = 0;
    for (const sample of this.samples) best = Math.max(best, sample.rate);
    return best;
  }

  /** Rounds passed while busy. */
  get rounds(): number {
    return this.busyRounds;
  }

  /** A PING leaves now, after `written` bytes. */
  mark(written: number, now: number, busy: boolean): PingMark {
    return { written, sentAt: now, busy };
  }

  /** The PING of `mark` was acknowledged now. Returns true when that ended a round in which the sender was busy. */
  acked(mark: PingMark, now: number): boolean {
    this.minRtt = Math.min(this.minRtt, now - mark.sentAt);
    this.deliveredBytes = Math.max(this.deliveredBytes, mark.written);
    const round = this.round;
    round.busy &&= mark.busy;
    if (mark.sentAt < round.startedAt) return false;
    // The bytes between the two PINGs over the longer of the times between their sending and between
    // their acknowledgements, as BBR does: a late first acknowledgement shortens only the second.
    const rate = (mark.written - round.from.written) / Math.max(now - round.startedAt, mark.sentAt - round.from.sentAt);
    // An idle application's round says nothing about the path, unless it shows the path is faster.
    if (rate > 0 && (round.busy || rate > this.maxRate)) this.samples.push({ rate, round: this.busyRounds });
    if (round.busy) {
      this.busyRounds++;
      this.samples = this.samples.filter((sample) => sample.round > this.busyRounds - RATE_ROUNDS);
    }
    this.round = { startedAt: now, from: mark, busy: true };
    return round.busy;
  }
}
