/**
 * The rules the window tuner (`bdp-estimator.ts`) and the bulk cap (`in-flight-cap.ts`) share to read a
 * link from PING round trips, the way BBR reads one from TCP's acknowledgements.
 */

/**
 * Below this round trip (loopback, a LAN) the windows' 2 MiB floor already holds 400 MB/s, three times what
 * one tunnel carries: neither grows windows nor caps a sender there, even on a busy machine whose every
 * PING came back in 2–4 ms (seen in CI).
 */
export const LINK_MIN_RTT_MS = 5;

/**
 * Once the link is full, what stands in flight beyond its bandwidth-delay product only waits in a queue
 * where every other stream's next frame waits behind it: from then on, this many round trips of the rate.
 */
export const STEADY_GAIN = 1.5;

/**
 * The link is full once this many rounds in a row brought no rise of {@link RISING} in rate, as BBR ends
 * its startup. A longer round trip alone does not say so: on a busy machine the processes' own queues
 * lengthen it while more in flight still raises the rate.
 */
export const FULL_ROUNDS = 3;
export const RISING = 1.25;

/**
 * The rate is the best of this many recent rounds, as BBR keeps its bottleneck bandwidth: long enough to
 * ride out a round slowed by a busy event loop (or one that ran before the peer saw the last SETTINGS),
 * short enough to follow a slower link.
 */
export const RATE_ROUNDS = 10;
