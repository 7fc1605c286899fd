/**
 * A stream the client resets after it lived this long (ms) costs nothing. Xray's XHTTP clients end every
 * tunnel by a reset: a packet-up or stream-up download is cancelled a second after the upload ended, a
 * stream-one request two seconds after; so do ours. Counted, a client ending more than the burst, or 50
 * a second, lost its whole session. A stream held this long is no rapid reset: a client can end at most
 * its concurrent streams (250) twice a second that way, no more than it could end cleanly.
 */
export const FREE_RESET_AFTER_MS = 500;

/**
 * A token bucket of stream resets one peer may cause: `burst` at once, refilled at `perSecond`. The
 * rapid-reset attack (CVE-2023-44487) opens streams and resets them at once, so each costs the attacker
 * one frame pair and the server whatever it started for the stream; nghttp2's own guard allows 1,000
 * and 33/s, Go's bounds the work in flight instead. A reset of a stream older than
 * {@link FREE_RESET_AFTER_MS} is how a tunnel ends and is not counted. Pure: the caller passes the clock.
 *
 * @example
 * ```ts
 * const budget = new ResetBudget({ burst: 200, perSecond: 50 }, performance.now());
 * if (!budget.spend(performance.now(), openedAt)) session.destroy(abuse, constants.NGHTTP2_ENHANCE_YOUR_CALM);
 * ```
 */
export class ResetBudget {
  private tokens: number;

  constructor(
    private readonly limits: ResetLimits,
    private last: number,
  ) {
    this.tokens = limits.burst;
  }

  /** Spends one reset at time `now` (ms) of a stream opened at `openedAt`; false once the peer is over its budget. */
  spend(now: number, openedAt = now): boolean {
    if (now - openedAt >= FREE_RESET_AFTER_MS) return true;
    this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.last) / 1000) * this.limits.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** How many stream resets a session may cause. */
export interface ResetLimits {
  /** Resets allowed at once. */
  readonly burst: number;
  /** Resets allowed per second after the burst. */
  readonly perSecond: number;
}

/** The server default: far below nghttp2's 1,000, far above what a client cancelling its own tunnels does. */
export const DEFAULT_RESET_LIMITS: ResetLimits = { burst: 200, perSecond: 50 };
