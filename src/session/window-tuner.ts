import type { Http2Session } from 'node:http2';
import { BdpEstimator, type WindowLimits, type WindowSizes } from './bdp-estimator.js';
import { sessionBytesRead } from './session-bytes-read.js';

/** Grows a session's receive windows to the link it runs over. */
export interface WindowTuner {
  /** A stream opened: measure now, unless a measurement ran within the last second. */
  kick(): void;
  stop(): void;
}

// A burst of PING rounds ends after this many in a row that did not grow the windows.
const QUIET_ROUNDS = 3;
// A parked tuner looks at the session's traffic this often, and probes again at most this often.
const REPROBE_MS = 1000;

type TunerState =
  /** The first round, at once: the link's round trip before any stream queues data behind the PING. */
  | { readonly kind: 'baseline' }
  | { readonly kind: 'probing'; readonly quietRounds: number }
  | { readonly kind: 'parked'; readonly since: number }
  | { readonly kind: 'done' };

/**
 * Runs a {@link BdpEstimator} on `session`: a burst of back-to-back PINGs (the first at once, a clean
 * round trip before any stream queues data), each round trip with the bytes read meanwhile, and every
 * change advertised as SETTINGS_INITIAL_WINDOW_SIZE (all streams, open ones included) plus the
 * connection window. A burst ends after a few rounds that change nothing; while data keeps arriving,
 * another follows each second. So an idle session costs one timer a second and a busy one about three
 * PINGs a second, on top of the few rounds that size the windows.
 *
 * @example
 * ```ts
 * const tuner = tuneWindows(session, WINDOW_LIMITS, () => openStreams);
 * session.once('close', () => tuner.stop());
 * ```
 */
export function tuneWindows(session: Http2Session, limits: WindowLimits, openStreams: () => number): WindowTuner {
  const estimator = new BdpEstimator(limits);
  let state: TunerState = { kind: 'baseline' };
  let lastSeen = sessionBytesRead(session);

  const advertise = (windows: WindowSizes) => {
    try {
      session.settings({ initialWindowSize: windows.stream });
      session.setLocalWindowSize(windows.session);
    } catch {
      // Too many SETTINGS awaiting their ACK, or the session is closing: the next change tries again.
    }
  };
  const park = (since: number) => {
    state = { kind: 'parked', since };
    lastSeen = sessionBytesRead(session);
  };
  const round = () => {
    if (session.destroyed || session.closed) return stop();
    const before = sessionBytesRead(session);
    try {
      session.ping((error, durationMs) => {
        if (state.kind === 'done' || state.kind === 'parked') return;
        if (error !== null) return park(performance.now());
        const changed = estimator.sample(sessionBytesRead(session) - before, durationMs, openStreams());
        if (changed !== undefined) advertise(changed);
        // No stream opened during the baseline: the first one starts a burst at once.
        if (state.kind === 'baseline') return park(Number.NEGATIVE_INFINITY);
        const quietRounds = changed === undefined ? state.quietRounds + 1 : 0;
        if (quietRounds >= QUIET_ROUNDS) return park(performance.now());
        state = { kind: 'probing', quietRounds };
        round();
      });
    } catch {
      park(performance.now());
    }
  };
  const kick = () => {
    // A stream opening during a burst (or the baseline) lengthens it: its data is coming.
    if (state.kind === 'probing' || state.kind === 'baseline') state = { kind: 'probing', quietRounds: 0 };
    else if (state.kind === 'parked' && performance.now() - state.since >= REPROBE_MS) {
      state = { kind: 'probing', quietRounds: 0 };
      round();
    }
  };
  const interval = setInterval(() => {
    const seen = sessionBytesRead(session);
    if (seen !== lastSeen) kick();
    lastSeen = seen;
  }, REPROBE_MS);
  interval.unref();
  function stop() {
    state = { kind: 'done' };
    clearInterval(interval);
  }
  session.once('close', stop);
  round();
  return { kick, stop };
}
