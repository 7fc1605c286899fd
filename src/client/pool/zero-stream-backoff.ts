import { protocolError, type ProtocolError } from '../../errors/transport-error.js';

/** The first wait after a server allowed no streams; it doubles with each refusal, up to the cap. */
const FIRST_MS = 1_000;
const CAP_MS = 30_000;

/**
 * Remembers servers (by session key) whose SETTINGS_MAX_CONCURRENT_STREAMS was 0, so a dial to one does
 * not open a new session per attempt: until the backoff ends, a dial that would need a new session fails
 * at once with the same typed error. Each refusal doubles the wait (1 s, 2 s, … 30 s); a session that is
 * admitted again resets nothing here on purpose, as a server that said 0 once is likely to say it again.
 *
 * @example
 * ```ts
 * const backoff = zeroStreams.check(key);
 * if (backoff !== undefined) throw backoff;
 * ```
 */
export class ZeroStreamBackoff {
  private readonly refusals = new Map<string, { readonly until: number; readonly waitMs: number }>();

  /** The error to fail with now, or undefined when a new session may try. */
  check(key: string): ProtocolError | undefined {
    const refusal = this.refusals.get(key);
    if (refusal === undefined || Date.now() >= refusal.until) return undefined;
    return refusedError(Math.ceil((refusal.until - Date.now()) / 1000));
  }

  /** Records a refusal and returns the error to fail the lease with. */
  refusedBy(key: string): ProtocolError {
    const previous = this.refusals.get(key);
    const waitMs = previous === undefined ? FIRST_MS : Math.min(previous.waitMs * 2, CAP_MS);
    this.refusals.set(key, { until: Date.now() + waitMs, waitMs });
    return refusedError(Math.ceil(waitMs / 1000));
  }
}

function refusedError(retryInS: number): ProtocolError {
  return protocolError(`the server allows no streams (SETTINGS_MAX_CONCURRENT_STREAMS 0); no new session to it for ${retryInS} s`);
}
