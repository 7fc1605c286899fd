import type { ClientHttp2Session } from 'node:http2';
import { Observable, ReplaySubject, share, Subject, tap } from 'rxjs';
import type { TransportError } from '../../errors/transport-error.js';
import type { WindowTuner } from '../../session/window-tuner.js';
import type { SessionQuota } from './reuse-policy.js';

// How many waiters may queue on a session still connecting. Streams are handed out once it is
// connected, within the limit assumed until the peer's SETTINGS arrive (see `admit` below), so
// this is a guess about grouping, not a limit we send past: Go servers (v2ray) and ours advertise 250.
const ASSUMED_STREAM_LIMIT = 250;

let nextId = 1;

/**
 * Whether a stream slot was granted, must wait for the peer's SETTINGS, is not to be had here (full), or
 * is not to be had from this server at all (its SETTINGS_MAX_CONCURRENT_STREAMS is 0).
 */
export type Admission = 'admitted' | 'wait' | 'full' | 'refused';

/** One cached HTTP/2 session and its stream accounting. Mutated only by the SessionManager. */
export class PooledSession {
  readonly id = nextId++;
  /** Set once connected. */
  session: ClientHttp2Session | undefined;
  state: 'connecting' | 'ready' | 'draining' = 'connecting';
  /** Tunnels holding or waiting for a stream on this session. */
  reserved = 0;
  /** Tunnels handed a stream slot here (at most `streamLimit`). */
  active = 0;
  /** The peer's SETTINGS_MAX_CONCURRENT_STREAMS once known; until then how many waiters group here. */
  streamLimit = ASSUMED_STREAM_LIMIT;
  /**
   * Streams admitted on a connected session before the peer's SETTINGS arrive: the limit an earlier
   * session to the same server reported, else one. So a cold start sends its first request without
   * waiting a round trip, and no stream is sent past a limit the peer has not told us yet.
   */
  provisionalLimit = 1;
  /** Resolves true when the peer's first SETTINGS arrive, false if the session closes first. */
  readonly settled: Promise<boolean>;
  private settle: (known: boolean) => void = () => undefined;
  private settingsKnown = false;
  idleTimer: NodeJS.Timeout | undefined;
  /** Grows the session's receive windows to the link; set once connected. */
  windows: WindowTuner | undefined;
  /** Emits the connected session to every waiter; connecting stops when the last waiter leaves. */
  readonly ready: Observable<ClientHttp2Session>;
  private readonly abort = new Subject<never>();
  /**
   * What it has carried, for its reuse limits (Xray's XMUX): tunnels placed on it and requests made on
   * it, ever, and tunnels running on it now (a v2ray tunnel is one request; an XHTTP tunnel counts where
   * its first request went, until it ends).
   */
  readonly use = { tunnels: 0, requests: 0, running: 0 };
  /**
   * Out of its pool because its reuse limits are spent: it keeps serving what it carries, takes no new
   * tunnel, and closes once nothing runs on it.
   */
  retired = false;

  constructor(
    readonly key: string,
    open: Observable<ClientHttp2Session>,
    hooks: { readonly connected: (session: ClientHttp2Session) => void; readonly failed: (reason: TransportError) => void },
    /** Its limits, drawn when it opened. */
    readonly quota: SessionQuota = { maxTunnels: undefined, maxRequests: undefined, unreusableAt: undefined },
    /** The pool it belongs to: its `key` and its dials' reuse limits. */
    readonly pool: string = key,
  ) {
    // `open` completes right after it emits; `abort` only ever errors. Completion ends both.
    const openOrAbort = new Observable<ClientHttp2Session>((subscriber) => {
      const aborted = this.abort.subscribe(subscriber);
      const opened = open.subscribe(subscriber);
      return () => {
        aborted.unsubscribe();
        opened.unsubscribe();
      };
    });
    this.settled = new Promise((resolve) => (this.settle = resolve));
    this.ready = openOrAbort.pipe(
      tap({ next: hooks.connected, error: (error: unknown) => hooks.failed(error as TransportError) }),
      share({ connector: () => new ReplaySubject(1), resetOnError: false, resetOnComplete: false, resetOnRefCountZero: true }),
    );
  }

  /** Whether a new tunnel may take a stream here. */
  hasRoom(): boolean {
    // Eviction runs through the manager's mutex after the session's events; a lease queued before it
    // must still not get a session that is already closing or destroyed.
    const gone = this.session !== undefined && (this.session.closed || this.session.destroyed);
    return this.state !== 'draining' && !gone && this.reserved < this.streamLimit;
  }

  /** The peer's SETTINGS arrived (again), with its stream limit. */
  settingsArrived(streamLimit: number): void {
    this.streamLimit = streamLimit;
    this.settingsKnown = true;
    this.settle(true);
  }

  /** The session closed: whoever waits for its SETTINGS waits no longer. */
  closedBeforeSettings(): void {
    this.settle(false);
  }

  /**
   * A stream slot for one more tunnel, by the limit known or assumed now. Under the manager's mutex; a
   * lease that is not admitted gives its reservation back through the manager.
   */
  admit(): Admission {
    const limit = this.settingsKnown ? this.streamLimit : this.provisionalLimit;
    if (this.active < limit) {
      this.active++;
      return 'admitted';
    }
    if (!this.settingsKnown) return 'wait';
    return this.streamLimit === 0 ? 'refused' : 'full';
  }

  /** Fails every waiter of a session still connecting. */
  cancelConnect(reason: TransportError): void {
    this.abort.error(reason);
  }
}
