import type { Http2Session } from 'node:http2';
import type { HealthCheck } from '../settings/settings.js';
import { sessionClosed, type TransportError } from '../errors/transport-error.js';
import { sessionBytesRead } from './session-bytes-read.js';

/** Health-check PINGs of the sessions that share it: sent, and failed (no answer in time, or an error). */
export interface HealthTally {
  sent: number;
  failed: number;
}

/**
 * Watches a session like Go's `ReadIdleTimeout`: after `readIdleMs` with no byte from the peer it sends
 * a PING, and if no answer comes within `timeoutMs` it reports the session dead. Returns the stop
 * function. v2ray 4.34 has no such check and keeps multiplexing onto dead connections. `suspect` sees
 * the bytes read since the last look; when it says they should not have come, the PING goes out at once.
 *
 * @example
 * ```ts
 * const stop = watchHealth(session, { readIdleMs: 15_000, timeoutMs: 15_000 }, (e) => session.destroy(e));
 * ```
 */
export function watchHealth(
  session: Http2Session,
  check: HealthCheck,
  onDead: (reason: TransportError) => void,
  tally: HealthTally = { sent: 0, failed: 0 },
  suspect: (newBytes: number) => boolean = () => false,
): () => void {
  if (check.readIdleMs <= 0) return () => undefined;
  let lastBytes = sessionBytesRead(session);
  let lastActivity = Date.now();
  let pingTimer: NodeJS.Timeout | undefined;

  const dead = (detail: string) => {
    tally.failed++;
    stop();
    onDead(sessionClosed(`health check failed: ${detail}`));
  };
  const tick = () => {
    if (session.destroyed) return stop();
    const bytes = sessionBytesRead(session);
    if (bytes !== lastBytes) {
      const grown = bytes - lastBytes;
      lastBytes = bytes;
      lastActivity = Date.now();
      // Bytes that should not have come: PING now rather than after readIdleMs of silence.
      if (pingTimer === undefined && suspect(grown)) ping();
      return;
    }
    if (pingTimer !== undefined || Date.now() - lastActivity < check.readIdleMs) return;
    ping();
  };
  const ping = () => {
    pingTimer = setTimeout(() => dead(`no PING answer within ${check.timeoutMs} ms`), check.timeoutMs);
    pingTimer.unref();
    tally.sent++;
    try {
      session.ping((error) => {
        clearTimeout(pingTimer);
        pingTimer = undefined;
        if (error !== null && !session.destroyed) dead(error.message);
        else lastActivity = Date.now();
      });
    } catch (error) {
      dead((error as Error).message);
    }
  };
  const interval = setInterval(tick, Math.max(100, Math.min(check.readIdleMs / 4, 1000)));
  interval.unref();
  function stop() {
    clearInterval(interval);
    clearTimeout(pingTimer);
  }
  return stop;
}
