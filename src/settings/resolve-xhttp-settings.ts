import * as E from 'fp-ts/lib/Either.js';
import { invalidConfig, type InvalidConfig } from '../errors/transport-error.js';
import { isInvalidConfig } from '../errors/error-guards.js';
import {
  XHTTP_DEFAULTS,
  type Range,
  type ResolvedXhttpSettings,
  type ResolvedXmux,
  type XhttpHttpVersion,
  type XhttpMode,
  type XhttpSettings,
  type XmuxSettings,
} from './xhttp-settings.js';

const MODES: readonly XhttpMode[] = ['auto', 'stream-one', 'stream-up', 'packet-up'];
const KEYS: readonly (keyof XhttpSettings)[] = [
  'mode',
  'paddingBytes',
  'noGRPCHeader',
  'noSSEHeader',
  'maxEachPostBytes',
  'minPostsIntervalMs',
  'maxBufferedPosts',
  'streamUpPaddingIntervalMs',
  'httpVersion',
  'xmux',
];
const XMUX_KEYS: readonly (keyof XmuxSettings)[] = [
  'maxConcurrency',
  'maxConnections',
  'maxReuseTimes',
  'maxRequestTimes',
  'maxReusableMs',
  'keepAlivePeriodMs',
];

/**
 * Validates {@link XhttpSettings} and fills Xray's defaults; a bad value is an `InvalidConfig` whose key
 * is the path under `xhttp` (for example `xhttp.xmux.maxConnections`).
 *
 * @example
 * ```ts
 * resolveXhttpSettings({ mode: 'packet-up' });        // right({ mode: 'packet-up', paddingBytes: { from: 100, to: 1000 }, … })
 * resolveXhttpSettings({ paddingBytes: { from: 0, to: 5 } }); // left(InvalidConfig 'xhttp.paddingBytes')
 * ```
 */
export function resolveXhttpSettings(settings: XhttpSettings): E.Either<InvalidConfig, ResolvedXhttpSettings> {
  try {
    const given = objectAt('xhttp', settings, KEYS);
    return E.right({
      mode: mode(given.mode),
      paddingBytes: range('xhttp.paddingBytes', given.paddingBytes, 1) ?? XHTTP_DEFAULTS.paddingBytes,
      noGRPCHeader: flag('xhttp.noGRPCHeader', given.noGRPCHeader),
      noSSEHeader: flag('xhttp.noSSEHeader', given.noSSEHeader),
      maxEachPostBytes: range('xhttp.maxEachPostBytes', given.maxEachPostBytes, 1) ?? XHTTP_DEFAULTS.maxEachPostBytes,
      minPostsIntervalMs: range('xhttp.minPostsIntervalMs', given.minPostsIntervalMs, 0) ?? XHTTP_DEFAULTS.minPostsIntervalMs,
      maxBufferedPosts: whole('xhttp.maxBufferedPosts', given.maxBufferedPosts, 1) ?? XHTTP_DEFAULTS.maxBufferedPosts,
      streamUpPaddingIntervalMs: paddingInterval(given.streamUpPaddingIntervalMs),
      httpVersion: httpVersion(given.httpVersion),
      xmux: xmux(given.xmux),
    });
  } catch (error) {
    if (isInvalidConfig(error)) return E.left(error);
    return E.left(invalidConfig('xhttp', `invalid settings: ${(error as Error).message}`));
  }
}

function mode(value: unknown): XhttpMode {
  if (value === undefined) return 'auto';
  if (!MODES.includes(value as XhttpMode)) throw invalidConfig('xhttp.mode', `unsupported mode: ${JSON.stringify(value)} (one of ${MODES.join(', ')})`);
  return value as XhttpMode;
}

function httpVersion(value: unknown): XhttpHttpVersion | undefined {
  if (value === undefined || value === '1.1' || value === '2') return value;
  if (value === '3' || value === 'h3') throw invalidConfig('xhttp.httpVersion', 'HTTP/3 (QUIC) is not available: Node has no stable QUIC');
  throw invalidConfig('xhttp.httpVersion', `must be '1.1' or '2', got ${JSON.stringify(value)}`);
}

function paddingInterval(value: unknown): Range | undefined {
  if (value === 0) return undefined;
  const interval = range('xhttp.streamUpPaddingIntervalMs', value, 0);
  if (interval === undefined) return XHTTP_DEFAULTS.streamUpPaddingIntervalMs;
  // A range reaching 0 would write padding in a busy loop.
  if (interval.to === 0) return undefined;
  if (interval.from === 0) throw invalidConfig('xhttp.streamUpPaddingIntervalMs', 'must be 0 (never) or a range above 0');
  return interval;
}

function xmux(value: unknown): ResolvedXmux {
  if (value === undefined) return XHTTP_DEFAULTS.xmux;
  const given = objectAt('xhttp.xmux', value, XMUX_KEYS);
  // As Xray (infra/conf: `c.Xmux == (XmuxConfig{})`): the defaults apply only when every field is its zero
  // value; otherwise an unset field is no limit. A range's zero is 0 or 0-0. The keep-alive's zero is Xray's
  // 0, which is our undefined: our 0 is Xray's negative ("no PINGs"), a setting like any other.
  if (XMUX_KEYS.every((key) => (key === 'keepAlivePeriodMs' ? given[key] === undefined : isZeroRange(given[key])))) return XHTTP_DEFAULTS.xmux;
  const concurrency = range('xhttp.xmux.maxConcurrency', given.maxConcurrency, 0);
  const connections = range('xhttp.xmux.maxConnections', given.maxConnections, 0);
  if (concurrency !== undefined && connections !== undefined && concurrency.to > 0 && connections.to > 0) {
    throw invalidConfig('xhttp.xmux.maxConnections', 'cannot be specified together with maxConcurrency');
  }
  const keepAlive = whole('xhttp.xmux.keepAlivePeriodMs', given.keepAlivePeriodMs, 0);
  return {
    spread:
      concurrency !== undefined && concurrency.to > 0
        ? { kind: 'max-concurrency', tunnels: concurrency }
        : connections !== undefined && connections.to > 0
          ? { kind: 'max-connections', connections }
          : { kind: 'unlimited' },
    maxReuseTimes: limit(range('xhttp.xmux.maxReuseTimes', given.maxReuseTimes, 0)),
    maxRequestTimes: limit(range('xhttp.xmux.maxRequestTimes', given.maxRequestTimes, 0)),
    maxReusableMs: limit(range('xhttp.xmux.maxReusableMs', given.maxReusableMs, 0)),
    keepAlivePeriodMs: keepAlive === undefined ? XHTTP_DEFAULTS.keepAlivePeriodMs : keepAlive === 0 ? undefined : keepAlive,
  };
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

/** A number or `{ from, to }` of whole numbers ≥ `least`, `from ≤ to`; undefined when not given. */
function range(key: string, value: unknown, least: number): Range | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    const n = checkWhole(key, value, least);
    return { from: n, to: n };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidConfig(key, `must be a whole number or { from, to }, got ${JSON.stringify(value)}`);
  }
  const { from, to, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw invalidConfig(`${key}.${extra}`, 'is not a range field (from, to)');
  const low = checkWhole(`${key}.from`, from, least);
  const high = checkWhole(`${key}.to`, to, least);
  if (low > high) throw invalidConfig(key, `from (${low}) must not exceed to (${high})`);
  return { from: low, to: high };
}

function whole(key: string, value: unknown, least: number): number | undefined {
  return value === undefined ? undefined : checkWhole(key, value, least);
}

function checkWhole(key: string, value: unknown, least: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < least) {
    throw invalidConfig(key, `must be a whole number ≥ ${least}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function flag(key: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalidConfig(key, 'must be true or false');
  return value;
}

function objectAt<K extends string>(key: string, value: unknown, known: readonly K[]): Partial<Record<K, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidConfig(key, 'must be an object');
  const unknownKey = Object.keys(value).find((name) => !(known as readonly string[]).includes(name));
  if (unknownKey !== undefined) throw invalidConfig(`${key}.${unknownKey}`, 'is not an XHTTP setting');
  return value;
}
