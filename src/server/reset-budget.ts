/**
 * A token bucket of stream resets one peer may cause: `burst` at once, refilled at `perSecond`. The
 * rapid-reset attack (CVE-2023-44487) opens streams and resets them at once, so each costs the attacker
 * one frame pair and the server whatever it started for the stream; nghttp2's own guard allows 1,000
 * and 33/s, Go's bounds the work in flight instead. Pure: the caller passes the clock.
 *
 * @example
 * ```ts
 * const budget = new ResetBudget({ burst: 200, perSecond: 50 }, performance.now());
 * if (!budget.spend(performance.now())) session.destroy(abuse, constants.NGHTTP2_ENHANCE_YOUR_CALM);
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

  /** Spends one reset at time `now` (ms); false once the peer is over its budget. */
  spend(now: number): boolean {
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
