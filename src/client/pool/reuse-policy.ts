import { randomInt } from 'node:crypto';
import { drawFromRange } from '../../protocol/xhttp/padding.js';
import type { Range, ReuseLimits } from '../../settings/xhttp-settings.js';

// Xray's XMUX (transport/internet/splithttp/mux.go at v26.7.28) as pure rules over a pool's sessions.
// Xray draws `maxConcurrency` and `maxConnections` once per pool (its XmuxManager) and the other limits
// once per connection; a drawn 0 is no limit. A connection that would take no more tunnels leaves the
// pool when the next tunnel is placed, keeps carrying what it carries, and closes once idle.

/** What is drawn once for a pool: tunnels a session may run at once, sessions to open before sharing. */
export interface PoolDraw {
  readonly maxConcurrency: number | undefined;
  readonly maxConnections: number | undefined;
}

/** What is drawn once for a session when it opens: its life in tunnels, requests and time. */
export interface SessionQuota {
  readonly maxTunnels: number | undefined;
  readonly maxRequests: number | undefined;
  /** `Date.now()` from which it takes no new tunnels or requests. */
  readonly unreusableAt: number | undefined;
}

/** What a session has carried: tunnels placed on it, requests made on it, and tunnels running on it now. */
export interface SessionUse {
  readonly tunnels: number;
  readonly requests: number;
  readonly running: number;
}

/** A session as {@link chooseSession} sees it. */
export interface Candidate {
  readonly use: SessionUse;
  /** Whether the session has a stream slot free (the server's limit), and is neither closing nor gone. */
  hasRoom(): boolean;
}

/** Draws a number from a range. */
export type Draw = (range: Range) => number;

const NO_LIMIT_QUOTA: SessionQuota = { maxTunnels: undefined, maxRequests: undefined, unreusableAt: undefined };
const NO_LIMIT_DRAW: PoolDraw = { maxConcurrency: undefined, maxConnections: undefined };

/**
 * The part of a pool's key that tells policies apart: sessions are shared only by dials with the same
 * limits (Xray keeps one XmuxManager per destination and settings). Empty with no limits, so such dials
 * keep sharing the one pool they always shared.
 *
 * @example
 * ```ts
 * reuseKey(undefined); // ''
 * reuseKey({ spread: { kind: 'max-connections', connections: { from: 2, to: 2 } }, maxReuseTimes: undefined, maxRequestTimes: undefined, maxReusableMs: undefined });
 * // '|reuse:c2-2,t-,r-,a-'
 * ```
 */
export function reuseKey(limits: ReuseLimits | undefined): string {
  if (limits === undefined || isUnlimited(limits)) return '';
  const { spread } = limits;
  const range = (value: Range | undefined) => (value === undefined ? '-' : `${value.from}-${value.to}`);
  const spreadPart =
    spread.kind === 'max-concurrency' ? `k${range(spread.tunnels)}` : spread.kind === 'max-connections' ? `c${range(spread.connections)}` : 'u';
  return `|reuse:${spreadPart},t${range(limits.maxReuseTimes)},r${range(limits.maxRequestTimes)},a${range(limits.maxReusableMs)}`;
}

/** Whether `limits` limit nothing: the pool then behaves as it always has (first session with room). */
export function isUnlimited(limits: ReuseLimits | undefined): boolean {
  return (
    limits === undefined ||
    (limits.spread.kind === 'unlimited' && limits.maxReuseTimes === undefined && limits.maxRequestTimes === undefined && limits.maxReusableMs === undefined)
  );
}

/**
 * The pool's numbers, drawn once per pool as Xray's XmuxManager does.
 *
 * @example
 * ```ts
 * drawPool({ spread: { kind: 'max-concurrency', tunnels: { from: 16, to: 32 } }, … }); // { maxConcurrency: 23, maxConnections: undefined }
 * ```
 */
export function drawPool(limits: ReuseLimits | undefined, draw: Draw = drawFromRange): PoolDraw {
  const spread = limits?.spread;
  if (spread === undefined || spread.kind === 'unlimited') return NO_LIMIT_DRAW;
  if (spread.kind === 'max-concurrency') return { maxConcurrency: positive(draw(spread.tunnels)), maxConnections: undefined };
  return { maxConcurrency: undefined, maxConnections: positive(draw(spread.connections)) };
}

/**
 * A new session's quota, drawn when it opens at `openedAt` as Xray's newXmuxClient does.
 *
 * @example
 * ```ts
 * drawQuota({ …, maxReuseTimes: { from: 3, to: 3 }, maxReusableMs: { from: 60_000, to: 60_000 } }, Date.now());
 * // { maxTunnels: 3, maxRequests: undefined, unreusableAt: Date.now() + 60_000 }
 * ```
 */
export function drawQuota(limits: ReuseLimits | undefined, openedAt: number, draw: Draw = drawFromRange): SessionQuota {
  if (limits === undefined || isUnlimited(limits)) return NO_LIMIT_QUOTA;
  const age = limits.maxReusableMs === undefined ? undefined : positive(draw(limits.maxReusableMs));
  return {
    maxTunnels: limits.maxReuseTimes === undefined ? undefined : positive(draw(limits.maxReuseTimes)),
    maxRequests: limits.maxRequestTimes === undefined ? undefined : positive(draw(limits.maxRequestTimes)),
    unreusableAt: age === undefined ? undefined : openedAt + age,
  };
}

/**
 * Why a session takes no new tunnel (its tunnels, its requests or its age are used up), or undefined
 * when it still does. Xray's GetXmuxClient removes such a connection from its pool.
 *
 * @example
 * ```ts
 * spentFor('tunnel', { maxTunnels: 3, maxRequests: undefined, unreusableAt: undefined }, { tunnels: 3, requests: 3, running: 3 }, Date.now());
 * // 'carried 3 tunnels (maxReuseTimes 3)'
 * ```
 */
export function spentFor(work: 'tunnel' | 'request', quota: SessionQuota, use: SessionUse, now: number): string | undefined {
  // A tunnel's later requests (packet-up's POSTs) stay on its session while requests and age allow, as
  // Xray's packet-up moves to another connection only for those two.
  if (work === 'tunnel' && quota.maxTunnels !== undefined && use.tunnels >= quota.maxTunnels)
    return `carried ${use.tunnels} tunnels (maxReuseTimes ${quota.maxTunnels})`;
  if (quota.maxRequests !== undefined && use.requests >= quota.maxRequests) return `made ${use.requests} requests (maxRequestTimes ${quota.maxRequests})`;
  if (quota.unreusableAt !== undefined && now >= quota.unreusableAt) return 'reached its maxReusableMs';
  return undefined;
}

/**
 * Where the next tunnel goes, among the sessions of a pool that still take tunnels: undefined means a new
 * session. As Xray's GetXmuxClient: a new one while there are fewer than `maxConnections`; else a random
 * pick among those running fewer than `maxConcurrency` tunnels (a new one when none is). Only sessions
 * with a stream slot free are picked (the server's own limit; Go's transport spills over by itself).
 * With no limits it is the first session with room, as the pool has always done.
 *
 * @example
 * ```ts
 * chooseSession(pool, { maxConcurrency: 2, maxConnections: undefined }); // a session running < 2 tunnels, or undefined
 * ```
 */
export function chooseSession<T extends Candidate>(sessions: readonly T[], draw: PoolDraw, random: (n: number) => number = randomInt): T | undefined {
  if (draw.maxConnections !== undefined && sessions.length < draw.maxConnections) return undefined;
  const { maxConcurrency } = draw;
  const candidates = sessions.filter((session) => session.hasRoom() && (maxConcurrency === undefined || session.use.running < maxConcurrency));
  if (candidates.length === 0) return undefined;
  if (draw.maxConnections === undefined && maxConcurrency === undefined) return candidates[0];
  return candidates[random(candidates.length)];
}

function positive(n: number): number | undefined {
  return n > 0 ? n : undefined;
}
