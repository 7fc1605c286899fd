import { constants, type Http2Session, type Http2SecureServer, type Http2Server, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import type { Subject } from 'rxjs';
import type { HealthCheck } from '../settings/settings.js';
import { protocolError, sessionClosed, timeout } from '../errors/transport-error.js';
import { WINDOW_LIMITS, widenSessionWindow } from '../session/flow-control.js';
import { watchHealth } from '../session/health-check.js';
import type { TunnelServerStats } from './server-events.js';
import { fromNodeError } from '../errors/node-errors.js';
import { tuneWindows } from '../session/window-tuner.js';
import { capBulkStreams } from '../session/bulk-cap.js';
import { drainSession, failSession } from '../session/session-failure.js';
import { sessionTlsResumed } from '../session/session-tls-resumed.js';
import { ResetBudget, type ResetLimits } from './reset-budget.js';
import type { ServerEvent } from './server-events.js';

// An idle TCP connection whose client vanished (machine gone, NAT state dropped) is probed after this;
// the PING health check covers a connection that is not idle at the TCP level but never answers.
const KEEPALIVE_DELAY_MS = 30_000;
/**
 * Bytes read with no stream open after which a session is PINGed at once. A client with no tunnel has
 * nothing to send but the odd SETTINGS, PING or WINDOW_UPDATE; RST_STREAM frames on closed streams never
 * reach JavaScript (the reset budget cannot count them), and after 1,000 of them (13 kB) nghttp2 sends
 * GOAWAY(INTERNAL_ERROR) and wants no more input: Node stops reading, and the session would linger until
 * the read-idle PING. A session that still reads answers the PING; one that stopped is closed when the
 * answer does not come within the health-check timeout.
 */
const FLOOD_PROBE_BYTES = 8 * 1024;

/** Server-side session limits. */
export interface SessionLimits {
  readonly healthCheck: HealthCheck;
  readonly headerTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxSessionsPerAddress: number;
  /** Sessions over all addresses; 0 no cap. */
  readonly maxSessions: number;
  readonly resets: ResetLimits;
  /** Cap what bulk streams keep in flight while their session carries others ({@link capBulkStreams}). */
  readonly bulkCap: boolean;
}

/** Owns a server's sessions: limits, health, counts and shutdown. */
export class SessionTracker {
  private readonly sessions = new Set<ServerHttp2Session>();
  private readonly perAddress = new Map<string, number>();
  private readonly ids = new WeakMap<Http2Session, number>();
  private nextId = 1;
  private readonly health = { sent: 0, failed: 0 };

  constructor(
    server: Http2Server | Http2SecureServer,
    private readonly events: Subject<ServerEvent>,
    private readonly limits: SessionLimits,
  ) {
    server.on('session', (session: ServerHttp2Session) => this.track(session));
    // The TCP socket itself: an HTTP/2 session's socket proxy refuses setKeepAlive.
    server.on('connection', (socket: Socket) => socket.setKeepAlive(true, KEEPALIVE_DELAY_MS));
    // A client that fails the handshake or speaks something else must not reach anyone else.
    server.on('tlsClientError', () => undefined);
    server.on('sessionError', () => undefined);
    // A TLS client that negotiated no ALPN: Node would answer it with an HTTP/1.0 403 naming itself and
    // hold the socket for 10 s. Say nothing and hang up, as for any other stranger.
    server.on('unknownProtocol', (socket: { destroy(): void }) => socket.destroy());
  }

  /** The id session events report for `session`. */
  idOf(session: Http2Session | undefined): number | undefined {
    return session === undefined ? undefined : this.ids.get(session);
  }

  stats(): Omit<TunnelServerStats, 'tunnels' | 'xhttp'> {
    return { sessions: this.sessions.size, healthPings: this.health.sent, healthPingsFailed: this.health.failed };
  }

  /** GOAWAY to every session, `drainMs` for open tunnels, then destroy. */
  async closeAll(drainMs: number): Promise<void> {
    const reason = sessionClosed('server shut down');
    await Promise.all([...this.sessions].map((session) => drainSession(session, drainMs, reason)));
  }

  private track(session: ServerHttp2Session): void {
    const id = this.nextId++;
    this.ids.set(session, id);
    const address = session.socket?.remoteAddress ?? 'unknown';
    const count = (this.perAddress.get(address) ?? 0) + 1;
    this.perAddress.set(address, count);
    this.sessions.add(session);
    session.on('error', (error) => this.events.next({ type: 'error', error: fromNodeError(error, address) }));
    const overAll = this.limits.maxSessions > 0 && this.sessions.size > this.limits.maxSessions;
    if (overAll || (this.limits.maxSessionsPerAddress > 0 && count > this.limits.maxSessionsPerAddress)) {
      session.goaway();
      session.destroy();
    }
    widenSessionWindow(session);
    let streams = 0;
    const windows = tuneWindows(session, WINDOW_LIMITS, () => streams);
    const cap = this.limits.bulkCap ? capBulkStreams(session) : undefined;
    const stopHealth = watchHealth(
      session,
      this.limits.healthCheck,
      (reason) => failSession(session, reason),
      this.health,
      (newBytes) => streams === 0 && newBytes >= FLOOD_PROBE_BYTES,
    );
    // A client gets `headerTimeoutMs` from its session's start (after TLS) to send its first request, as
    // v2ray gives an h2c client 4 s: a silent connection must not hold a session for the idle timeout.
    const headerTimer = setTimeout(() => failSession(session, timeout('reading request headers', this.limits.headerTimeoutMs)), this.limits.headerTimeoutMs);
    const budget = new ResetBudget(this.limits.resets, performance.now());
    // Everything a new stream means to the session, in one listener.
    session.on('stream', (stream: ServerHttp2Stream) => {
      clearTimeout(headerTimer);
      const openedAt = performance.now();
      streams++;
      stream.once('close', () => streams--);
      stream.once('aborted', () => {
        // Our own resets destroy the stream before Node emits 'aborted'; the peer's RST_STREAM does not.
        if (stream.destroyed || session.destroyed || budget.spend(performance.now(), openedAt)) return;
        failSession(session, protocolError(`more than ${this.limits.resets.burst} streams reset by the client at once`), constants.NGHTTP2_ENHANCE_YOUR_CALM);
      });
      windows.kick();
      cap?.watch(stream);
    });
    if (this.limits.idleTimeoutMs > 0) session.setTimeout(this.limits.idleTimeoutMs, () => session.close());
    this.events.next({ type: 'session-opened', session: id, remoteAddress: address, tlsResumed: sessionTlsResumed(session) });
    session.once('close', () => {
      clearTimeout(headerTimer);
      stopHealth();
      this.sessions.delete(session);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left === 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
      this.events.next({ type: 'session-closed', session: id, remoteAddress: address });
    });
  }
}
