import type { Http2Session } from 'node:http2';

// PINGs per response deadline: one at each quarter, the last well before the deadline.
const NUDGES = 4;

/**
 * While an HTTP/2 response is awaited for up to `deadlineMs`, PINGs `session` at each quarter of it;
 * the returned function stops. nginx before 1.23.0 leaves a response's HEADERS in its TLS buffer until
 * it writes something else on the connection (nginx ticket #1743): the 200 of a download with nothing to
 * say yet would come only with the first byte, and a quiet tunnel would fail at its response deadline.
 * The PING's ACK is that something else. A PING costs 17 bytes each way; one that cannot go out (the
 * session closing, too many unanswered) is skipped.
 *
 * @example
 * ```ts
 * const stop = nudgeHeldResponse(exchange.session, 10_000);
 * try { await exchange.response; } finally { stop(); }
 * ```
 */
export function nudgeHeldResponse(session: Http2Session | undefined, deadlineMs: number): () => void {
  if (session === undefined) return () => undefined;
  const timer = setInterval(() => {
    if (session.destroyed || session.closed) return;
    try {
      session.ping(() => undefined);
    } catch {
      // The session is going away: the response fails with it.
    }
  }, deadlineMs / NUDGES);
  return () => clearInterval(timer);
}
