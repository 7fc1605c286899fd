import * as E from 'fp-ts/lib/Either.js';
import { invalidConfig, type InvalidConfig } from '../errors/transport-error.js';
import { isInvalidConfig } from '../errors/error-guards.js';
import { resolveXmux } from './resolve-xmux.js';
import { objectAt, rangeAt as range, wholeAt as whole } from './setting-values.js';
import { XHTTP_DEFAULTS, type Range, type ResolvedXhttpSettings, type XhttpHttpVersion, type XhttpMode, type XhttpSettings } from './xhttp-settings.js';

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
    const given = objectAt('xhttp', settings, KEYS, 'an XHTTP setting');
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
      xmux: resolveXmux(given.xmux, 'xhttp.xmux'),
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

function flag(key: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalidConfig(key, 'must be true or false');
  return value;
}
