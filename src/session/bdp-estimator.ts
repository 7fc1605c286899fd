import { FULL_ROUNDS, LINK_MIN_RTT_MS, RATE_ROUNDS, RISING, STEADY_GAIN } from './link-rules.js';

/** A pair of HTTP/2 receive windows: every stream's (SETTINGS_INITIAL_WINDOW_SIZE) and the connection's. */
export interface WindowSizes {
  readonly stream: number;
  readonly session: number;
}

/** Where the windows start and how far they may grow. */
export interface WindowLimits {
  readonly floor: WindowSizes;
  readonly cap: WindowSizes;
  /** What the stream windows of all open streams together may reach, once above the floor. */
  readonly budget: number;
}

// During startup the windows run this far ahead of the best rate times the link's delay, so a sender
// limited by them can double its rate each round trip, as TCP's slow start does. (It keeps between a half
// and a whole window in flight: a receiver sends WINDOW_UPDATE once half of it is consumed.)
const STARTUP_GAIN = 3;
// Round trips seen before the first growth: one slow PING (a busy event loop on loopback) must not pass
// for a link's round trip, and windows only grow.
const MIN_RTT_SAMPLES = 3;
// A smaller change is not worth a SETTINGS frame and its round trip.
const MIN_CHANGE = 1.2;
const GRAIN = 64 * 1024;

/** Ramping up until the link is full, then growing only if the link turns out faster. */
type Phase = 'startup' | 'steady';

/**
 * Sizes receive windows from PING round trips, as BBR sizes what TCP keeps in flight: the bytes that
 * arrived while a PING was out, over its round-trip time, are the rate the peer reached; the best recent
 * rate times the *smallest* round trip seen (the link's own delay) is the bandwidth-delay product.
 * gRPC's estimator multiplies by the latest round trip instead, and a PING queued behind full socket
 * buffers then reads as a long link: on loopback such samples grow windows the kernel buffers cannot
 * absorb (see `flow-control.ts`), and on a rate-limited link every growth fills its queue further.
 * Rounds in which little arrived say nothing about the link and change nothing. The windows start at the
 * floor, where loopback and a LAN stay, and only grow: a smaller SETTINGS_INITIAL_WINDOW_SIZE is legal
 * HTTP/2, but a sender that took window for a frame before the SETTINGS arrived may still send it after
 * its ACK, and the receiver then resets the stream (FLOW_CONTROL_ERROR). Twice in four CI runs, one of
 * 200 parallel tunnels from a v2ray client failed so while shrinking was in; the connection window has no
 * way to shrink at all.
 *
 * @example
 * ```ts
 * const estimator = new BdpEstimator({ floor: { stream: 2 << 20, session: 4 << 20 }, cap: { stream: 16 << 20, session: 32 << 20 }, budget: 64 << 20 });
 * estimator.sample(0, 40); // the link's delay, before any data
 * estimator.sample(2 << 20, 40); // → { stream: 6291456, session: 12582912 }: a full window in one round trip
 * ```
 */
export class BdpEstimator {
  private minRttMs = Number.POSITIVE_INFINITY;
  private rttSamples = 0;
  private readonly rates: number[] = [];
  private bestRate = 0;
  private flatRounds = 0;
  private phase: Phase = 'startup';
  private current: WindowSizes;

  constructor(private readonly limits: WindowLimits) {
    this.current = limits.floor;
  }

  /** The windows advertised now. */
  get windows(): WindowSizes {
    return this.current;
  }

  /**
   * One PING round trip: `bytes` arrived in `rttMs`, with `openStreams` streams open. Returns the new
   * windows when they should change.
   */
  sample(bytes: number, rttMs: number, openStreams = 1): WindowSizes | undefined {
    if (!(rttMs > 0) || !(bytes >= 0)) return undefined;
    this.minRttMs = Math.min(this.minRttMs, rttMs);
    this.rttSamples++;
    if (bytes < this.current.stream / 4 || this.minRttMs < LINK_MIN_RTT_MS || this.rttSamples < MIN_RTT_SAMPLES) return undefined;
    const cap = this.capFor(openStreams);
    const rate = bytes / rttMs;
    this.flatRounds = rate > this.bestRate * RISING ? 0 : this.flatRounds + 1;
    this.rates.push(rate);
    if (this.rates.length > RATE_ROUNDS) this.rates.shift();
    this.bestRate = Math.max(...this.rates);
    if (this.phase === 'startup' && this.flatRounds >= FULL_ROUNDS) this.phase = 'steady';
    const gain = this.phase === 'startup' ? STARTUP_GAIN : STEADY_GAIN;
    const wanted = Math.min(this.limits.cap.stream, Math.max(this.limits.floor.stream, roundUp(gain * this.bestRate * this.minRttMs)));
    const stream = Math.min(cap, wanted);
    const grows = stream >= this.current.stream * MIN_CHANGE || (stream === cap && stream > this.current.stream);
    // The connection carries every stream: room for two at the full rate. It holds no memory for a stalled
    // reader (Node consumes it on receipt), so the budget does not cut it, and it never shrinks: HTTP/2 has
    // no frame to take connection window back, so a peer may still send what it was granted, and nghttp2
    // would fail the whole session over it (FLOW_CONTROL_ERROR).
    const session = Math.max(this.current.session, Math.min(this.limits.cap.session, Math.max(this.limits.floor.session, 2 * wanted)));
    return grows ? this.resize(stream, session) : undefined;
  }

  // A stream window above the floor is promised to every open stream, and a stream whose reader stalls
  // holds all of it: past the floor, all of them together get no more than the budget.
  private capFor(openStreams: number): number {
    const share = Math.floor(this.limits.budget / Math.max(1, openStreams) / GRAIN) * GRAIN;
    return Math.max(this.limits.floor.stream, Math.min(this.limits.cap.stream, share));
  }

  private resize(stream: number, session: number): WindowSizes {
    this.current = { stream, session };
    return this.current;
  }
}

function roundUp(bytes: number): number {
  return Math.ceil(bytes / GRAIN) * GRAIN;
}
