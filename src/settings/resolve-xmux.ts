import { invalidConfig } from '../errors/transport-error.js';
import { checkRange, HEALTH_MILLISECONDS } from './ranges.js';
import { objectAt, rangeAt, wholeAt } from './setting-values.js';
import type { HealthCheck, HttpSettings } from './settings.js';
import { XHTTP_DEFAULTS, type Range, type ResolvedXmux, type XmuxSettings } from './xhttp-settings.js';

const XMUX_KEYS: readonly (keyof XmuxSettings)[] = [
  'maxConcurrency',
  'maxConnections',
  'maxReuseTimes',
  'maxRequestTimes',
  'maxReusableMs',
  'keepAlivePeriodMs',
];

/**
 * Validates {@link XmuxSettings} found at `key` (`xhttp.xmux`, or a v2ray dial's `xmux`) and fills Xray's
 * defaults: all of them when `value` is absent or every field is its zero value, as Xray's
 * `c.Xmux == (XmuxConfig{})` (infra/conf/transport_method.go); otherwise an unset limit is no limit.
 * Throws an InvalidConfig naming the key.
 *
 * @example
 * ```ts
 * resolveXmux({}, 'xhttp.xmux');                       // XHTTP_DEFAULTS.xmux: 3 connections, 600–900 requests, 1,800–3,000 s
 * resolveXmux({ maxConcurrency: 2 }, 'xmux');          // { spread: { kind: 'max-concurrency', … }, maxRequestTimes: undefined, …, keepAlivePeriodMs: 45_000 }
 * resolveXmux({ keepAlivePeriodMs: 0 }, 'xhttp.xmux'); // nothing limited, no keep-alive PINGs
 * ```
 */
export function resolveXmux(value: unknown, key: string): ResolvedXmux {
  if (value === undefined) return XHTTP_DEFAULTS.xmux;
  const given = objectAt(key, value, XMUX_KEYS, 'an XMUX setting');
  // A range's zero is 0 or 0-0. The keep-alive's zero is Xray's 0, which is our undefined: our 0 is Xray's
  // negative ("no PINGs"), a setting like any other.
  if (XMUX_KEYS.every((name) => (name === 'keepAlivePeriodMs' ? given[name] === undefined : isZeroRange(given[name])))) return XHTTP_DEFAULTS.xmux;
  const concurrency = rangeAt(`${key}.maxConcurrency`, given.maxConcurrency, 0);
  const connections = rangeAt(`${key}.maxConnections`, given.maxConnections, 0);
  if (concurrency !== undefined && connections !== undefined && concurrency.to > 0 && connections.to > 0) {
    throw invalidConfig(`${key}.maxConnections`, 'cannot be specified together with maxConcurrency');
  }
  const keepAlive = wholeAt(`${key}.keepAlivePeriodMs`, given.keepAlivePeriodMs, 0);
  if (keepAlive !== undefined) checkRange(`${key}.keepAlivePeriodMs`, keepAlive, HEALTH_MILLISECONDS);
  return {
    spread:
      concurrency !== undefined && concurrency.to > 0
        ? { kind: 'max-concurrency', tunnels: concurrency }
        : connections !== undefined && connections.to > 0
          ? { kind: 'max-connections', connections }
          : { kind: 'unlimited' },
    maxReuseTimes: limit(rangeAt(`${key}.maxReuseTimes`, given.maxReuseTimes, 0)),
    maxRequestTimes: limit(rangeAt(`${key}.maxRequestTimes`, given.maxRequestTimes, 0)),
    maxReusableMs: limit(rangeAt(`${key}.maxReusableMs`, given.maxReusableMs, 0)),
    keepAlivePeriodMs: keepAlive === undefined ? XHTTP_DEFAULTS.keepAlivePeriodMs : keepAlive === 0 ? undefined : keepAlive,
  };
}

/** Where a dial's keep-alive period may come from besides `readIdleTimeoutMs`. */
export interface KeepAliveSource {
  /** The key it was given at, for the message when `readIdleTimeoutMs` is given too. */
  readonly key: string;
  /** Whether the dial's xmux gave `keepAlivePeriodMs`. */
  readonly given: boolean;
  /** The resolved period; undefined: no PINGs. */
  readonly periodMs: number | undefined;
  /** Whether it applies when not given (XHTTP: Xray's 45 s), or only when given (a v2ray tunnel's 15 s default stays). */
  readonly byDefault: boolean;
}

/**
 * The health check of a dial whose XMUX may set its PING period. Xray's `hKeepAlivePeriod` is the
 * `ReadIdleTimeout` of Go's HTTP/2 transport (splithttp/dialer.go): a PING after that much read silence,
 * the connection dropped when no answer comes within Go's 15 s, which is what `readIdleTimeoutMs` and
 * `healthCheckTimeoutMs` do here. So it sets `readIdleMs`; giving both is an InvalidConfig at `source.key`.
 *
 * @example
 * ```ts
 * keepAliveCheck({ readIdleMs: 15_000, timeoutMs: 15_000 }, {}, { key: 'xhttp.xmux.keepAlivePeriodMs', given: false, periodMs: 45_000, byDefault: true });
 * // { readIdleMs: 45_000, timeoutMs: 15_000 }
 * ```
 */
export function keepAliveCheck(check: HealthCheck, settings: HttpSettings, source: KeepAliveSource): HealthCheck {
  if (settings.readIdleTimeoutMs !== undefined) {
    if (source.given) throw invalidConfig(source.key, 'sets the PING period readIdleTimeoutMs sets too: give one of them');
    return check;
  }
  if (!source.given && !source.byDefault) return check;
  return { readIdleMs: source.periodMs ?? 0, timeoutMs: check.timeoutMs };
}

/** Absent, 0 or `{ from: 0, to: 0 }`: Xray's zero value of a range. */
function isZeroRange(value: unknown): boolean {
  if (value === undefined || value === 0) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { from, to } = value as Partial<Range>;
  return from === 0 && to === 0 && Object.keys(value).length === 2;
}

/** A range whose upper end is 0 sets no limit, as Xray's zero value. */
function limit(value: Range | undefined): Range | undefined {
  return value === undefined || value.to === 0 ? undefined : value;
}
