import { ByteBudget } from './byte-budget.js';
import { XhttpSession, type SessionOptions, type SessionWatcher } from './xhttp-session.js';

/** A table's limits. */
export interface SessionTableLimits extends Omit<SessionOptions, 'pendingBudget'> {
  /** Sessions awaiting their download at most; more get 503 (a flood of ids that never GET). */
  readonly maxPendingSessions: number;
  /** Bytes the packets of all sessions awaiting their download may hold together. */
  readonly maxPendingBytes: number;
}

/** Counts at one moment. */
export interface SessionTableStats {
  /** Sessions in the table. */
  readonly sessions: number;
  /** Of those, sessions whose download has not come. */
  readonly awaitingDownload: number;
  /** Bytes held by packets of sessions awaiting their download. */
  readonly pendingBytes: number;
}

/**
 * A listener's XHTTP sessions by id. Xray keys them by id alone, per listener: a session's requests may
 * come on different connections. Sessions whose download has not come are bounded in number and bytes.
 *
 * @example
 * ```ts
 * const table = new SessionTable({ downloadTimeoutMs: 30_000, window: 30, maxPendingSessions: 1_000, maxPendingBytes: 64 << 20 });
 * const session = table.upsert(id); // XhttpSession, or 'full'
 * ```
 */
export class SessionTable {
  private readonly sessions = new Map<string, XhttpSession>();
  private readonly budget: ByteBudget;
  // One object for every session: a spread per session gave each its own hidden class, held for the tunnel's life.
  private readonly sessionOptions: SessionOptions;
  private awaiting = 0;
  private readonly watcher: SessionWatcher = {
    downloadCame: () => {
      this.awaiting--;
    },
    closed: (session, awaiting) => {
      if (awaiting) this.awaiting--;
      if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    },
  };

  constructor(private readonly limits: SessionTableLimits) {
    this.budget = new ByteBudget(limits.maxPendingBytes);
    this.sessionOptions = { downloadTimeoutMs: limits.downloadTimeoutMs, window: limits.window, pendingBudget: this.budget };
  }

  /** The session with `id`, made if there is none; `full` when too many await their download. */
  upsert(id: string): XhttpSession | 'full' {
    const found = this.sessions.get(id);
    if (found !== undefined) return found;
    if (this.awaiting >= this.limits.maxPendingSessions) return 'full';
    const session = new XhttpSession(id, this.sessionOptions, this.watcher);
    this.awaiting++;
    this.sessions.set(id, session);
    return session;
  }

  stats(): SessionTableStats {
    return { sessions: this.sessions.size, awaitingDownload: this.awaiting, pendingBytes: this.budget.used };
  }

  /** Closes every session (the server is shutting down). */
  closeAll(): void {
    for (const session of [...this.sessions.values()]) session.close();
  }
}
