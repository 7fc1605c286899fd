import type { ClientHttp2Session } from 'node:http2';
import { Mutex } from 'async-mutex';
import { Subject, throwError, type Observable } from 'rxjs';
import type { HostPort } from '../../settings/address.js';
import type { ResolvedDialSettings } from '../../settings/settings.js';
import { sessionClosed, usageError, type TransportError } from '../../errors/transport-error.js';
import { drainSession } from '../../session/session-failure.js';
import { sessionTlsResumed } from '../../session/session-tls-resumed.js';
import { adoptSession } from './adopt-session.js';
import { leaseSession } from './lease-request.js';
import { openSession } from '../stages/open-session.js';
import { PooledSession } from './pooled-session.js';
import { drawQuota } from './reuse-policy.js';
import { poolKeyOf } from './pool-key.js';
import { SessionPools } from './session-pools.js';
import { TlsTickets } from './tls-tickets.js';
import { countReservation, heldSession, HeldTunnel, type TunnelHold } from './tunnel-hold.js';
import { ZeroStreamBackoff } from './zero-stream-backoff.js';
import type { SessionLease } from './session-lease.js';
import type { SessionEvent, SessionManagerStats } from './session-event.js';
import type { TunnelEvent } from './tunnel-event.js';

export type { SessionLease } from './session-lease.js';
export type { SessionEvent, SessionManagerStats } from './session-event.js';

/** Options of a {@link SessionManager}. */
export interface SessionManagerOptions {
  /** Close a session after this many ms without tunnels. Default 300,000 (5 minutes). */
  readonly idleTimeoutMs?: number;
}

/**
 * The actor that owns the HTTP/2 session cache. Every change of the cache (the pools, the live set, an
 * entry's reservations and stream slots) runs under one `Mutex`, so concurrent dials to one destination
 * share one session (up to the peer's stream limit, then another opens). A session that errors, closes,
 * gets GOAWAY or fails its health check is evicted at once, so the next dial opens a fresh one. Dials
 * with reuse limits (Xray's XMUX: `DialSettings.xmux`, `xhttp.xmux`) have pools of their own, where the
 * reuse policy (`reuse-policy.ts`) picks the session and retires the spent ones; a retired session
 * keeps its tunnels and closes once none runs on it.
 *
 * Three things run outside it, on purpose, each safe because no critical section awaits midway (a
 * synchronous step never sees another's half-done change): `stats()` reads a snapshot; a session's
 * 'close' takes its entry out of the live set at once, so `stats()` and `close()` never count a session
 * that is gone; and adopting a session that just connected fills in the entry in the connect callback
 * itself, before any waiter is told of it, so no stream opens without its SETTINGS and health watch.
 *
 * @example
 * ```ts
 * const manager = new SessionManager();
 * manager.events.subscribe((e) => console.log(e.type, e.id));
 * dial('tunnel.test:443', settings, { manager }).subscribe(useConnection);
 * await manager.close();
 * ```
 */
export class SessionManager {
  /** Sessions opened, evicted and closed. */
  readonly events: Observable<SessionEvent>;
  /** Tunnels dialed through this manager: opened, failed to open, ended. */
  readonly tunnels: Observable<TunnelEvent>;

  private readonly mutex = new Mutex();
  private readonly pools = new SessionPools();
  private readonly live = new Set<PooledSession>();
  private readonly eventSubject = new Subject<SessionEvent>();
  private readonly tunnelSubject = new Subject<TunnelEvent>();
  private readonly health = { sent: 0, failed: 0 };
  private readonly tickets = new TlsTickets();
  /** The SETTINGS_MAX_CONCURRENT_STREAMS each server (by session key) last reported. */
  private readonly streamLimits = new Map<string, number>();
  private readonly idleTimeoutMs: number;
  private readonly zeroStreams = new ZeroStreamBackoff();
  private closed = false;

  constructor(options: SessionManagerOptions = {}) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
    this.events = this.eventSubject.asObservable();
    this.tunnels = this.tunnelSubject.asObservable();
  }

  /** Whether anyone watches {@link tunnels}: {@link dial} reports only then, so unwatched dials pay nothing. */
  get reportsTunnels(): boolean {
    return this.tunnelSubject.observed;
  }

  /** Reports what became of a tunnel; called by {@link dial}. */
  reportTunnel(event: TunnelEvent): void {
    this.tunnelSubject.next(event);
  }

  /**
   * A stream slot on a session to `destination`: an existing one with room, or a new one, within
   * `settings.reuse` (Xray's XMUX limits). Each lease is a tunnel of its own, unless it carries one
   * request of the tunnel `hold` stands for. Cold; unsubscribing before it emits gives the slot back,
   * and a session nobody waits for stops connecting.
   */
  lease(destination: HostPort, settings: ResolvedDialSettings, tunnel?: TunnelHold): Observable<SessionLease> {
    if (tunnel !== undefined && !(tunnel instanceof HeldTunnel)) return throwError(() => usageError('a TunnelHold comes from holdTunnel()'));
    const hold = tunnel;
    return leaseSession({
      exclusive: (task) => this.mutex.runExclusive(task),
      reserve: () => {
        if (this.closed) throw sessionClosed('the session manager is closed');
        return this.reserve(destination, settings, hold);
      },
      leaseOf: (entry, session) => this.leaseOf(entry, session, hold),
      release: (entry, admitted) => this.release(entry, admitted, hold),
      refused: (entry) => this.refused(entry),
    });
  }

  /** A hold for a tunnel made of several requests (XHTTP): pass it to each of its {@link lease}s, release it when the tunnel ends. */
  holdTunnel(): TunnelHold {
    return new HeldTunnel((hold) => {
      void this.mutex.runExclusive(() => {
        const home = hold.home;
        if (home === undefined) return;
        home.use.running--;
        this.closeIfSpent(home);
      });
    });
  }

  /** Sessions and tunnels right now, and the health-check PINGs so far. */
  stats(): SessionManagerStats {
    let tunnels = 0;
    for (const entry of this.live) tunnels += entry.reserved;
    return { sessions: this.live.size, tunnels, healthPings: this.health.sent, healthPingsFailed: this.health.failed };
  }

  /**
   * Closes every session it owns: GOAWAY, then tunnels get `drainMs` to finish before the sessions
   * are destroyed. Resolves when all are closed; new leases fail from the start.
   */
  async close(drainMs = 0): Promise<void> {
    const entries = await this.mutex.runExclusive(() => {
      this.closed = true;
      const all = [...this.live];
      this.pools.clear();
      return all;
    });
    const reason = sessionClosed('the session manager is closed');
    await Promise.all(entries.map((entry) => this.shutdown(entry, reason, drainMs)));
    this.eventSubject.complete();
    this.tunnelSubject.complete();
  }

  // Runs under the mutex.
  private reserve(destination: HostPort, settings: ResolvedDialSettings, hold: HeldTunnel | undefined): PooledSession {
    const { key, pool } = poolKeyOf(destination, settings);
    const now = Date.now();
    const held = heldSession(hold, now);
    let entry = held ?? this.pools.choose(pool, settings.reuse, now, (spent, why) => this.retire(spent, why));
    if (entry === undefined) {
      // A server that allowed no streams is not asked again by a new session until its backoff ends.
      const backoff = this.zeroStreams.check(key);
      if (backoff !== undefined) throw backoff;
      const open = openSession(destination, {
        security: settings.security,
        connectTimeoutMs: settings.connectTimeoutMs,
        ...(settings.security.kind === 'tls' && settings.security.resume
          ? { ticket: this.tickets.ticketFor(key), onTicket: (ticket: Buffer) => this.tickets.remember(key, ticket) }
          : {}),
      });
      const hooks = {
        connected: (session: ClientHttp2Session) => this.adopt(created, session, settings),
        failed: (reason: TransportError) => {
          // A ticket the server merely declines costs a full handshake, and that session brings a new
          // one; after any failure to connect, the next attempt starts without the old ticket.
          this.tickets.forget(key);
          this.evict(created, reason);
        },
      };
      const created: PooledSession = new PooledSession(key, open, hooks, drawQuota(settings.reuse, now), pool);
      entry = created;
      this.pools.add(created);
      this.live.add(created);
    }
    entry.reserved++;
    countReservation(entry, hold, entry !== held);
    if (entry.idleTimer !== undefined) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = undefined;
      entry.session?.ref();
    }
    return entry;
  }

  // Under the mutex: its reuse limits are spent, so it leaves the pool and closes once nothing runs on it.
  private retire(entry: PooledSession, why: string): void {
    entry.retired = true;
    // Routine, not a fault: said at info.
    const reason = Object.assign(sessionClosed(`reuse limit reached: ${why}`), { severity: 'info' as const });
    this.eventSubject.next({ type: 'evicted', id: entry.id, key: entry.key, reason });
    this.closeIfSpent(entry);
  }

  // Under the mutex. Node's close() would let open streams finish, but a retired session closes only once
  // idle: a tunnel's later requests (XHTTP) may still follow it there.
  private closeIfSpent(entry: PooledSession): void {
    if (!entry.retired || entry.reserved > 0 || entry.use.running > 0 || entry.session === undefined || entry.state === 'draining') return;
    entry.state = 'draining';
    clearTimeout(entry.idleTimer);
    entry.session.close();
  }

  private leaseOf(entry: PooledSession, session: ClientHttp2Session, hold: HeldTunnel | undefined): SessionLease {
    let released = false;
    entry.windows?.kick();
    return {
      session,
      sessionId: entry.id,
      release: () => {
        if (released) return;
        released = true;
        this.release(entry, true, hold);
      },
      evict: (reason) => {
        this.evict(entry, reason);
        if (!session.closed) session.close();
      },
    };
  }

  /** The server behind `entry` allows no streams: the session is retired now and new ones back off. */
  private refused(entry: PooledSession): TransportError {
    this.evict(entry, sessionClosed('the server allows no streams'));
    entry.session?.close();
    return this.zeroStreams.refusedBy(entry.key);
  }

  private release(entry: PooledSession, admitted: boolean, hold: HeldTunnel | undefined): void {
    void this.mutex.runExclusive(() => {
      if (admitted) entry.active--;
      entry.reserved--;
      // A v2ray tunnel runs as long as its reservation; an XHTTP one until its hold is released.
      if (hold === undefined) entry.use.running--;
      if (entry.reserved > 0) return;
      if (entry.state === 'connecting') {
        // Nobody waits any more: the share() below has already stopped connecting.
        this.forget(entry);
      } else if (entry.retired) {
        this.closeIfSpent(entry);
      } else if (entry.state === 'ready' && entry.session !== undefined) {
        const session = entry.session;
        session.unref();
        entry.idleTimer = setTimeout(() => {
          this.evict(entry, sessionClosed(`idle for ${this.idleTimeoutMs} ms`));
          session.close();
        }, this.idleTimeoutMs);
        entry.idleTimer.unref();
      }
    });
  }

  // Called synchronously when the TLS + HTTP/2 handshake completes, before any waiter sees the session.
  private adopt(entry: PooledSession, session: ClientHttp2Session, settings: ResolvedDialSettings): void {
    adoptSession(entry, session, settings, {
      streamLimits: this.streamLimits,
      health: this.health,
      evict: (evicted, reason) => this.evict(evicted, reason),
      closed: (closed) => {
        this.live.delete(closed);
        this.eventSubject.next({ type: 'closed', id: closed.id, key: closed.key });
      },
    });
    this.eventSubject.next({ type: 'opened', id: entry.id, key: entry.key, resumed: sessionTlsResumed(session) === true });
  }

  /** Takes the entry out of the cache (if it is still there) so no new tunnel uses it. */
  private evict(entry: PooledSession, reason: TransportError): void {
    void this.mutex.runExclusive(() => {
      if (entry.state === 'draining') return;
      entry.state = 'draining';
      this.forget(entry);
      // A retired session said why it left the pool when it retired.
      if (!entry.retired) this.eventSubject.next({ type: 'evicted', id: entry.id, key: entry.key, reason });
    });
  }

  // Removes exactly this entry: a newer session under the same key stays.
  private forget(entry: PooledSession): void {
    this.pools.remove(entry);
    if (entry.session === undefined) this.live.delete(entry);
  }

  private shutdown(entry: PooledSession, reason: TransportError, drainMs: number): Promise<void> {
    entry.state = 'draining';
    clearTimeout(entry.idleTimer);
    const session = entry.session;
    if (session === undefined) {
      entry.cancelConnect(reason);
      return this.mutex.runExclusive(() => void this.live.delete(entry));
    }
    return drainSession(session, drainMs, reason);
  }
}
