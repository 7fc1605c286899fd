import type { Http2SecureServer, Http2Server, ServerHttp2Session } from 'node:http2';
import type { Subject } from 'rxjs';
import type { HealthCheck } from '../config/settings.js';
import { sessionClosed, timeout } from '../errors.js';
import { widenSessionWindow } from '../flow-control.js';
import { watchHealth } from '../health-check.js';
import { fromNodeError } from '../node-errors.js';
import { markSessionFailed } from '../session-failure.js';
import type { ServerEvent } from './server-events.js';

/** Server-side session limits. */
export interface SessionLimits {
  readonly healthCheck: HealthCheck;
  readonly h2c: boolean;
  readonly headerTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxSessionsPerAddress: number;
}

/** Owns a server's sessions: limits, health, counts and shutdown. */
export class SessionTracker {
  private readonly sessions = new Set<ServerHttp2Session>();
  private readonly perAddress = new Map<string, number>();
  private tunnels = 0;

  constructor(
    server: Http2Server | Http2SecureServer,
    private readonly events: Subject<ServerEvent>,
    private readonly limits: SessionLimits,
  ) {
    server.on('session', (session: ServerHttp2Session) => this.track(session));
    server.on('stream', (stream) => {
      this.tunnels++;
      stream.once('close', () => this.tunnels--);
    });
    // A client that fails the handshake or speaks something else must not reach anyone else.
    server.on('tlsClientError', () => undefined);
    server.on('sessionError', () => undefined);
    // A TLS client that negotiated no ALPN: Node would answer it with an HTTP/1.0 403 naming itself and
    // hold the socket for 10 s. Say nothing and hang up, as for any other stranger.
    server.on('unknownProtocol', (socket: { destroy(): void }) => socket.destroy());
  }

  stats(): { sessions: number; tunnels: number } {
    return { sessions: this.sessions.size, tunnels: this.tunnels };
  }

  /** GOAWAY to every session, `drainMs` for open tunnels, then destroy. */
  async closeAll(drainMs: number): Promise<void> {
    await Promise.all(
      [...this.sessions].map(
        (session) =>
          new Promise<void>((resolve) => {
            if (session.destroyed) return resolve();
            session.once('close', () => resolve());
            const force = setTimeout(() => {
              const reason = sessionClosed('server shut down');
              markSessionFailed(session, reason);
              // With the reason, open streams fail; a bare destroy() would end them as if complete.
              session.destroy(reason);
            }, drainMs);
            session.once('close', () => clearTimeout(force));
            session.close();
          }),
      ),
    );
  }

  private track(session: ServerHttp2Session): void {
    const address = session.socket?.remoteAddress ?? 'unknown';
    const count = (this.perAddress.get(address) ?? 0) + 1;
    this.perAddress.set(address, count);
    this.sessions.add(session);
    session.on('error', (error) => this.events.next({ type: 'error', error: fromNodeError(error, address) }));
    if (this.limits.maxSessionsPerAddress > 0 && count > this.limits.maxSessionsPerAddress) {
      session.goaway();
      session.destroy();
    }
    widenSessionWindow(session);
    const stopHealth = watchHealth(session, this.limits.healthCheck, (reason) => {
      markSessionFailed(session, reason);
      session.destroy(reason);
    });
    // h2c has no handshake to time out; v2ray gives a cleartext client 4 s to send its request headers.
    const headerTimer = this.limits.h2c
      ? setTimeout(() => {
          const reason = timeout('reading request headers', this.limits.headerTimeoutMs);
          markSessionFailed(session, reason);
          session.destroy(reason);
        }, this.limits.headerTimeoutMs)
      : undefined;
    session.once('stream', () => clearTimeout(headerTimer));
    if (this.limits.idleTimeoutMs > 0) session.setTimeout(this.limits.idleTimeoutMs, () => session.close());
    this.events.next({ type: 'session-opened', remoteAddress: address });
    session.once('close', () => {
      clearTimeout(headerTimer);
      stopHealth();
      this.sessions.delete(session);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left === 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
      this.events.next({ type: 'session-closed', remoteAddress: address });
    });
  }
}
