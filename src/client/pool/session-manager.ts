import type { ClientHttp2Session, Settings } from 'node:http2';
import { Mutex } from 'async-mutex';
import { Subject, type Observable } from 'rxjs';
import type { HostPort } from '../../settings/address.js';
import type { ResolvedDialSettings } from '../../settings/settings.js';
import { sessionClosed, timeout, type TransportError } from '../../errors/transport-error.js';
import { WINDOW_LIMITS } from '../../session/flow-control.js';
import { watchHealth } from '../../session/health-check.js';
import { fromNodeError } from '../../errors/node-errors.js';
import { drainSession, failSession, markSessionFailed, sessionFailure } from '../../session/session-failure.js';
import { sessionTlsResumed } from '../../session/session-tls-resumed.js';
import { tuneWindows } from '../../session/window-tuner.js';
import { leaseSession } from './lease-request.js';
import { openSession, peerSettingsArrived } from '../stages/open-session.js';
import { PooledSession } from './pooled-session.js';
import { sessionKey } from './session-key.js';
import { TlsTickets } from './tls-tickets.js';
import { ZeroStreamBackoff } from './zero-stream-backoff.js';
import type { SessionLease } from './session-lease.js';
import type { TunnelEvent } from './tunnel-event.js';

export type { SessionLease } from './session-lease.js';

/** Options of a {@link SessionManager}. */
export interface SessionManagerOptions {
  /** Close a session after this many ms without tunnels. Default 300,000 (5 minutes). */
  readonly idleTimeoutMs?: number;
}

/** What happens to the sessions a manager owns. */
export type SessionEvent =
  | {
      readonly type: 'opened';
      readonly id: number;
      readonly key: string;
      /** The TLS handshake resumed an earlier session from its ticket, without a certificate exchange. */
      readonly resumed: boolean;
    }
  | { readonly type: 'evicted'; readonly id: number; readonly key: string; readonly reason: TransportError }
  | { readonly type: 'closed'; readonly id: number; readonly key: string };

/** Counts at one moment. */
export interface SessionManagerStats {
  readonly sessions: number;
  readonly tunnels: number;
  /** Health-check PINGs sent so far (after a read-idle period), and those that got no answer in time. */
  readonly healthPings: number;
  readonly healthPingsFailed: number;
}

/**
 * The actor that owns the HTTP/2 session cache. Every change of the cache (the pools, the live set, an
 * entry's reservations and stream slots) runs under one `Mutex`, so concurrent dials to one destination
 * share one session (up to the peer's stream limit, then another opens). A session that errors, closes,
 * gets GOAWAY or fails its health check is evicted at once, so the next dial opens a fresh one.
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
  private readonly pools = new Map<string, PooledSession[]>();
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
   * A stream slot on a session to `destination`: an existing one with room, or a new one. Cold;
   * unsubscribing before it emits gives the slot back, and a session nobody waits for stops connecting.
   */
  lease(destination: HostPort, settings: ResolvedDialSettings): Observable<SessionLease> {
    return leaseSession({
      exclusive: (task) => this.mutex.runExclusive(task),
      reserve: () => {
        if (this.closed) throw sessionClosed('the session manager is closed');
        return this.reserve(destination, settings);
      },
      leaseOf: (entry, session) => this.leaseOf(entry, session),
      release: (entry, admitted) => this.release(entry, admitted),
      refused: (entry) => this.refused(entry),
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
  private reserve(destination: HostPort, settings: ResolvedDialSettings): PooledSession {
    const key = sessionKey(destination, settings.security);
    const pool = this.pools.get(key) ?? [];
    let entry = pool.find((candidate) => candidate.hasRoom());
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
      const created: PooledSession = new PooledSession(key, open, {
        connected: (session) => this.adopt(created, session, settings),
        failed: (reason) => {
          // A ticket the server merely declines costs a full handshake, and that session brings a new
          // one; after any failure to connect, the next attempt starts without the old ticket.
          this.tickets.forget(key);
          this.evict(created, reason);
        },
      });
      entry = created;
      pool.push(created);
      this.pools.set(key, pool);
      this.live.add(created);
    }
    entry.reserved++;
    if (entry.idleTimer !== undefined) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = undefined;
      entry.session?.ref();
    }
    return entry;
  }

  private leaseOf(entry: PooledSession, session: ClientHttp2Session): SessionLease {
    let released = false;
    entry.windows?.kick();
    return {
      session,
      sessionId: entry.id,
      release: () => {
        if (released) return;
        released = true;
        this.release(entry, true);
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

  private release(entry: PooledSession, admitted: boolean): void {
    void this.mutex.runExclusive(() => {
      if (admitted) entry.active--;
      entry.reserved--;
      if (entry.reserved > 0) return;
      if (entry.state === 'connecting') {
        // Nobody waits any more: the share() below has already stopped connecting.
        this.forget(entry);
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
    entry.session = session;
    entry.state = 'ready';
    // openSession hands the session over before the peer's first SETTINGS, usually: until they arrive
    // it admits as many streams as the last session to this server was allowed (one for a stranger).
    entry.provisionalLimit = this.streamLimits.get(entry.key) ?? 1;
    // A server that never speaks HTTP/2 must not hold the tunnels waiting for its limit.
    const settingsTimer = setTimeout(
      () => failSession(session, timeout("waiting for the server's HTTP/2 SETTINGS", settings.connectTimeoutMs)),
      settings.connectTimeoutMs,
    );
    const settingsArrived = (remote: Settings) => {
      clearTimeout(settingsTimer);
      const limit = remote.maxConcurrentStreams ?? entry.streamLimit;
      this.streamLimits.set(entry.key, limit);
      entry.settingsArrived(limit);
    };
    if (peerSettingsArrived(session)) settingsArrived(session.remoteSettings);
    session.on('remoteSettings', settingsArrived);
    const stopHealth = watchHealth(session, settings.healthCheck, (reason) => failSession(session, reason), this.health);
    entry.windows = tuneWindows(session, WINDOW_LIMITS, () => entry.active);
    session.on('error', (error) => {
      const reason = fromNodeError(error, entry.key);
      markSessionFailed(session, reason);
      this.evict(entry, reason);
    });
    session.on('goaway', () => this.evict(entry, sessionClosed('GOAWAY received')));
    session.once('close', () => {
      stopHealth();
      clearTimeout(settingsTimer);
      entry.closedBeforeSettings();
      clearTimeout(entry.idleTimer);
      this.evict(entry, sessionFailure(session) ?? sessionClosed('connection closed'));
      this.live.delete(entry);
      this.eventSubject.next({ type: 'closed', id: entry.id, key: entry.key });
    });
    this.eventSubject.next({ type: 'opened', id: entry.id, key: entry.key, resumed: sessionTlsResumed(session) === true });
  }

  /** Takes the entry out of the cache (if it is still there) so no new tunnel uses it. */
  private evict(entry: PooledSession, reason: TransportError): void {
    void this.mutex.runExclusive(() => {
      if (entry.state === 'draining') return;
      entry.state = 'draining';
      this.forget(entry);
      this.eventSubject.next({ type: 'evicted', id: entry.id, key: entry.key, reason });
    });
  }

  // Removes exactly this entry: a newer session under the same key stays.
  private forget(entry: PooledSession): void {
    const pool = this.pools.get(entry.key);
    const index = pool?.indexOf(entry) ?? -1;
    if (pool !== undefined && index >= 0) pool.splice(index, 1);
    if (pool?.length === 0) this.pools.delete(entry.key);
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
