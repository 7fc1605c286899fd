import type { ClientHttp2Session } from 'node:http2';
import { Observable, ReplaySubject, share, Subject, tap } from 'rxjs';
import type { TransportError } from '../errors.js';

// How many waiters may queue on a session still connecting. Streams are only handed out once the
// peer's SETTINGS are known (see SessionManager.admit), so this is a guess about grouping, not a
// limit we send past: Go servers (v2ray) and ours advertise 250, and with Go's own guess of 100,
// 1,000 parallel dials opened 10 sessions where 4 do.
const ASSUMED_STREAM_LIMIT = 250;

let nextId = 1;

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
  /** The peer's SETTINGS_MAX_CONCURRENT_STREAMS, once known. */
  streamLimit = ASSUMED_STREAM_LIMIT;
  idleTimer: NodeJS.Timeout | undefined;
  /** Emits the connected session to every waiter; connecting stops when the last waiter leaves. */
  readonly ready: Observable<ClientHttp2Session>;
  private readonly abort = new Subject<never>();

  constructor(
    readonly key: string,
    open: Observable<ClientHttp2Session>,
    hooks: { readonly connected: (session: ClientHttp2Session) => void; readonly failed: (reason: TransportError) => void },
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

  /** Fails every waiter of a session still connecting. */
  cancelConnect(reason: TransportError): void {
    this.abort.error(reason);
  }
}
