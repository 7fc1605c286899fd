import type { ClientHttp2Session } from 'node:http2';
import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { sessionClosed, type TransportError } from '../../errors/transport-error.js';
import { sessionFailure } from '../../session/session-failure.js';
import type { Admission, PooledSession } from './pooled-session.js';
import type { SessionLease } from './session-lease.js';

/** What one lease needs of the session manager that owns the cache. */
export interface LeaseHost {
  /** Runs `task` under the manager's mutex. */
  exclusive<T>(task: () => T): Promise<T>;
  /** Under the mutex: a reservation on a session with room, or on a new one. Throws once the manager is closed. */
  reserve(): PooledSession;
  /** The lease a tunnel holds once admitted; its `release` gives the slot and the reservation back. */
  leaseOf(entry: PooledSession, session: ClientHttp2Session): SessionLease;
  /** Gives a reservation back, and the stream slot with it when `admitted`, through the mutex. */
  release(entry: PooledSession, admitted: boolean): void;
  /** The server allows no streams: retires the session, backs new sessions to it off, and says why. */
  refused(entry: PooledSession): TransportError;
}

/** Times one lease moves on from a full session to another before it fails. */
const MAX_SPILLS = 8;

/** Where one lease stands. */
type LeaseState =
  /** Choosing a session under the mutex. */
  | { readonly kind: 'reserving' }
  /** Reserved on a session still connecting. */
  | { readonly kind: 'connecting'; readonly entry: PooledSession }
  /** Asking the connected session for a stream slot, under the mutex. */
  | { readonly kind: 'admitting'; readonly entry: PooledSession }
  /** Connected, but its slots before the peer's SETTINGS are taken: waiting for them. */
  | { readonly kind: 'settling'; readonly entry: PooledSession }
  | { readonly kind: 'leased' }
  /** Cancelled or failed; what it held is given back. */
  | { readonly kind: 'ended' };

/**
 * A stream slot on a session, as one small state machine: reserve (an existing session with room, or
 * a new one) → wait for it to connect → admit (within the peer's stream limit, or the provisional one
 * until its SETTINGS arrive) → leased. A full session sends it back to reserving elsewhere. Cold;
 * unsubscribing at any point gives back whatever it holds.
 *
 * @example
 * ```ts
 * leaseSession(host).subscribe((lease) => openStreamOn(lease.session));
 * ```
 */
export function leaseSession(host: LeaseHost): Observable<SessionLease> {
  return new Observable<SessionLease>((subscriber) => {
    const request = new LeaseRequest(host, subscriber);
    request.reserve();
    return () => request.end();
  });
}

class LeaseRequest {
  private state: LeaseState = { kind: 'reserving' };
  /** The reservation this request holds, and whether it also holds a stream slot. */
  private held: { readonly entry: PooledSession; admitted: boolean } | undefined;
  private waiting: Subscription | undefined;
  private spills = 0;

  constructor(
    private readonly host: LeaseHost,
    private readonly subscriber: Subscriber<SessionLease>,
  ) {}

  reserve(): void {
    this.state = { kind: 'reserving' };
    this.host
      .exclusive(() => {
        if (this.state.kind === 'ended') return undefined;
        const entry = this.host.reserve();
        this.held = { entry, admitted: false };
        // A connected session admits in the same turn: one trip through the mutex per lease.
        return entry.session === undefined ? { entry } : { entry, session: entry.session, admission: this.admit(entry) };
      })
      .then(
        (now) => {
          // The subscriber may have left between the reservation and here: end() gave it back already,
          // and a session nobody waits for must not start connecting.
          if (now === undefined || this.state.kind === 'ended') return;
          if (now.session === undefined) return this.awaitConnect(now.entry);
          this.decide(now.entry, now.session, now.admission);
        },
        (error: unknown) => this.fail(error),
      );
  }

  /** Gives back what it holds; the teardown, after cancellation, error or hand-off alike. */
  end(): void {
    if (this.state.kind === 'leased') return;
    this.state = { kind: 'ended' };
    this.waiting?.unsubscribe();
    const held = this.held;
    this.held = undefined;
    if (held === undefined) return;
    this.host.release(held.entry, held.admitted);
  }

  private awaitConnect(entry: PooledSession): void {
    this.state = { kind: 'connecting', entry };
    this.waiting = entry.ready.subscribe({
      next: (session) => this.admitWhenFree(entry, session),
      error: (error: unknown) => this.fail(error),
    });
  }

  private admitWhenFree(entry: PooledSession, session: ClientHttp2Session): void {
    if (this.state.kind === 'ended') return;
    this.state = { kind: 'admitting', entry };
    void this.host
      .exclusive(() => (this.state.kind === 'ended' ? undefined : this.admit(entry)))
      .then((admission) => {
        if (admission !== undefined) this.decide(entry, session, admission);
      });
  }

  // Under the mutex. A lease not admitted gives its reservation back (through the mutex, after this task).
  private admit(entry: PooledSession): Admission {
    const admission = entry.admit();
    if (admission === 'admitted' && this.held !== undefined) this.held.admitted = true;
    if (admission === 'full' || admission === 'refused') {
      this.held = undefined;
      this.host.release(entry, false);
    }
    return admission;
  }

  private decide(entry: PooledSession, session: ClientHttp2Session, admission: Admission): void {
    if (this.state.kind === 'ended') return;
    switch (admission) {
      case 'admitted':
        this.state = { kind: 'leased' };
        this.held = undefined;
        this.subscriber.next(this.host.leaseOf(entry, session));
        this.subscriber.complete();
        return;
      case 'full':
        // Spill-over to another session; a lease that keeps finding full ones gives up rather than
        // open sessions without end.
        if (++this.spills > MAX_SPILLS) return this.fail(sessionClosed(`every session to this server was full, ${MAX_SPILLS} times in a row`));
        return this.reserve();
      case 'refused':
        return this.fail(this.host.refused(entry));
      case 'wait':
        this.state = { kind: 'settling', entry };
        void entry.settled.then((known) => {
          if (this.state.kind === 'ended') return;
          if (known) return this.admitWhenFree(entry, session);
          this.fail(sessionFailure(session) ?? sessionClosed("connection closed before the server's HTTP/2 SETTINGS"));
        });
    }
  }

  private fail(error: unknown): void {
    if (this.state.kind === 'ended' || this.state.kind === 'leased') return;
    this.subscriber.error(error);
  }
}
