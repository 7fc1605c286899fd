import type { ClientHttp2Session, Settings } from 'node:http2';
import { sessionClosed, timeout, type TransportError } from '../../errors/transport-error.js';
import { fromNodeError } from '../../errors/node-errors.js';
import type { ResolvedDialSettings } from '../../settings/settings.js';
import { WINDOW_LIMITS } from '../../session/flow-control.js';
import { watchHealth, type HealthTally } from '../../session/health-check.js';
import { failSession, markSessionFailed, sessionFailure } from '../../session/session-failure.js';
import { tuneWindows } from '../../session/window-tuner.js';
import { capBulkStreams } from '../../session/bulk-cap.js';
import { peerSettingsArrived } from '../stages/open-session.js';
import type { PooledSession } from './pooled-session.js';

/** What adopting a session needs of the manager that owns it. */
export interface AdoptionHost {
  /** The SETTINGS_MAX_CONCURRENT_STREAMS each server (by session key) last reported. */
  readonly streamLimits: Map<string, number>;
  readonly health: HealthTally;
  /** Takes the entry out of the cache, so no new tunnel uses it. */
  evict(entry: PooledSession, reason: TransportError): void;
  /** The session closed: the entry is gone. */
  closed(entry: PooledSession): void;
}

/**
 * Wires a session that just connected into its pool entry: the peer's stream limit (provisional until
 * its SETTINGS arrive, which must come within the connect timeout), health checks, window tuning, and
 * eviction on error, GOAWAY and close. Called synchronously in the connect callback, before any waiter
 * sees the session, so no stream opens without its SETTINGS and health watch.
 *
 * @example
 * ```ts
 * const entry = new PooledSession(key, open, { connected: (session) => adoptSession(entry, session, settings, host), failed });
 * ```
 */
export function adoptSession(entry: PooledSession, session: ClientHttp2Session, settings: ResolvedDialSettings, host: AdoptionHost): void {
  entry.session = session;
  if (entry.state === 'connecting') entry.state = 'ready';
  // openSession hands the session over before the peer's first SETTINGS, usually: until they arrive
  // it admits as many streams as the last session to this server was allowed (one for a stranger).
  entry.provisionalLimit = host.streamLimits.get(entry.key) ?? 1;
  // A server that never speaks HTTP/2 must not hold the tunnels waiting for its limit.
  const settingsTimer = setTimeout(
    () => failSession(session, timeout("waiting for the server's HTTP/2 SETTINGS", settings.connectTimeoutMs)),
    settings.connectTimeoutMs,
  );
  const settingsArrived = (remote: Settings) => {
    clearTimeout(settingsTimer);
    const limit = remote.maxConcurrentStreams ?? entry.streamLimit;
    host.streamLimits.set(entry.key, limit);
    entry.settingsArrived(limit);
  };
  if (peerSettingsArrived(session)) settingsArrived(session.remoteSettings);
  session.on('remoteSettings', settingsArrived);
  const stopHealth = watchHealth(session, settings.healthCheck, (reason) => failSession(session, reason), host.health);
  entry.windows = tuneWindows(session, WINDOW_LIMITS, () => entry.active);
  if (settings.bulkCap) capBulkStreams(session);
  session.on('error', (error) => {
    const reason = fromNodeError(error, entry.key);
    markSessionFailed(session, reason);
    host.evict(entry, reason);
  });
  session.on('goaway', () => host.evict(entry, sessionClosed('GOAWAY received')));
  session.once('close', () => {
    stopHealth();
    clearTimeout(settingsTimer);
    entry.closedBeforeSettings();
    clearTimeout(entry.idleTimer);
    host.evict(entry, sessionFailure(session) ?? sessionClosed('connection closed'));
    host.closed(entry);
  });
}
