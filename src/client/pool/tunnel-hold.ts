import type { PooledSession } from './pooled-session.js';
import { spentFor } from './reuse-policy.js';

/**
 * One tunnel made of several requests (XHTTP), as the session pool counts it: pass it to each of the
 * tunnel's leases, release it when the tunnel ends. Made by `SessionManager.holdTunnel()`.
 *
 * @example
 * ```ts
 * const hold = manager.holdTunnel();
 * manager.lease(target, settings, hold).subscribe((lease) => get(lease)); // then the POSTs, with the same hold
 * connection.done.then(() => hold.release());
 * ```
 */
export interface TunnelHold {
  /** Whether the tunnel ended. */
  readonly released: boolean;
  /** The tunnel ended: it runs no longer where it ran. Idempotent. */
  release(): void;
}

/**
 * A {@link TunnelHold} and where its tunnel is, so its several requests count as Xray counts them: the
 * first request places the tunnel on a session (one tunnel carried there, and running there until the
 * tunnel ends); later ones follow it while that session takes requests, and move on (placing the tunnel
 * on another session, as Xray's packet-up does) once its requests or age are spent. Every request counts
 * as a request of the session it goes to.
 *
 * @example
 * ```ts
 * const hold = new HeldTunnel((released) => leaveHome(released));
 * ```
 */
export class HeldTunnel implements TunnelHold {
  /** Where the tunnel runs: the session its first request went to. Set by the session manager. */
  home: PooledSession | undefined;
  /** Where its next request goes while that session takes requests. Set by the session manager. */
  current: PooledSession | undefined;
  private ended = false;

  constructor(private readonly onRelease: (hold: HeldTunnel) => void) {}

  get released(): boolean {
    return this.ended;
  }

  release(): void {
    if (this.ended) return;
    this.ended = true;
    this.onRelease(this);
  }
}

/**
 * The session `hold`'s next request stays on, or undefined when it is to be placed anew: none yet, or
 * that one is full, closing, or out of requests or age.
 *
 * @example
 * ```ts
 * const entry = heldSession(hold, Date.now()) ?? pools.choose(…);
 * ```
 */
export function heldSession(hold: HeldTunnel | undefined, now: number): PooledSession | undefined {
  const current = hold?.current;
  if (current === undefined || !current.hasRoom() || spentFor('request', current.quota, current.use, now) !== undefined) return undefined;
  return current;
}

/**
 * Counts a reservation on `entry`: one request, one tunnel when the entry was `placed` for it (not
 * followed to), and where the tunnel runs: a v2ray tunnel (no hold) for as long as this reservation, an
 * XHTTP tunnel where its first request went, until its hold is released. Under the manager's mutex.
 */
export function countReservation(entry: PooledSession, hold: HeldTunnel | undefined, placed: boolean): void {
  entry.use.requests++;
  if (placed) entry.use.tunnels++;
  if (hold === undefined) {
    entry.use.running++;
    return;
  }
  hold.current = entry;
  if (hold.home === undefined && !hold.released) {
    hold.home = entry;
    entry.use.running++;
  }
}
