import * as E from 'fp-ts/lib/Either.js';
import { invalidConfig, type InvalidConfig } from '../errors/transport-error.js';
import { isInvalidConfig } from '../errors/error-guards.js';
import { JsonFields } from './json-fields.js';
import type { HttpSettings } from '../settings/settings.js';
import { parseV4Tls, type StreamTlsSettings } from './stream-tls.js';
import { dropUndefined } from './drop-undefined.js';
import { SECONDS } from '../settings/ranges.js';

export type { CertificateEntry, StreamTlsSettings } from './stream-tls.js';

/** A parsed v2ray `streamSettings` object with network `http`. */
export interface StreamSettings {
  readonly http: HttpSettings;
  /** Present exactly when `security` is `tls`. */
  readonly tls: StreamTlsSettings | undefined;
  /** Keys that v2ray knows but h2tunnel ignores (other transports, sockopt). */
  readonly warnings: readonly string[];
}

// Sections that belong to other transports or to the socket layer: valid in a v2ray config, not ours.
const IGNORED_STREAM_KEYS = new Set([
  'tcpSettings',
  'kcpSettings',
  'wsSettings',
  'quicSettings',
  'dsSettings',
  'grpcSettings',
  'sockopt',
  'xtlsSettings',
  'realitySettings',
]);
/**
 * Parses v2ray's `streamSettings` JSON (network `http`). Never throws: wrong types and unknown keys are
 * an {@link InvalidConfig} naming the key.
 *
 * @example
 * ```ts
 * parseStreamSettings({ network: 'http', security: 'tls', httpSettings: { host: ['t.test'], path: '/tun' } });
 * // right({ http: { host: ['t.test'], path: '/tun' }, tls: { allowInsecure: false, certificates: [] }, warnings: [] })
 * ```
 */
export function parseStreamSettings(json: unknown, at = 'streamSettings'): E.Either<InvalidConfig, StreamSettings> {
  try {
    const whole = wholeConfigHint(json);
    if (whole !== undefined) throw invalidConfig(at, whole);
    const root = JsonFields.open(json, at);
    const network = root.string('network') ?? 'tcp';
    if (network !== 'http' && network !== 'h2') {
      throw invalidConfig(root.key('network'), `must be "http" (or "h2"), got "${network}"`);
    }
    const security = root.string('security') ?? 'none';
    if (security !== 'tls' && security !== 'none' && security !== '') {
      throw invalidConfig(root.key('security'), `must be "tls" or "none", got "${security}"`);
    }
    const http = parseHttp(root.object('httpSettings'));
    const tlsFields = root.object('tlsSettings');
    const tls = security === 'tls' ? parseV4Tls(tlsFields) : undefined;
    const warnings: string[] = [];
    if (security !== 'tls' && tlsFields !== undefined) warnings.push(`${tlsFields.prefix} is ignored because security is not "tls"`);
    for (const key of root.unread()) {
      const name = key.slice(root.prefix.length + 1);
      if (!IGNORED_STREAM_KEYS.has(name)) throw invalidConfig(key, 'is not a known streamSettings key');
      warnings.push(`${key} is ignored by the http transport`);
    }
    return E.right({ http, tls, warnings });
  } catch (error) {
    if (isInvalidConfig(error)) return E.left(error);
    throw error;
  }
}

function parseHttp(fields: JsonFields | undefined): HttpSettings {
  if (fields === undefined) return {};
  const headers = fields.object('headers');
  const settings: HttpSettings = {
    host: fields.strings('host'),
    path: fields.string('path'),
    method: fields.string('method'),
    // v2ray's JSON counts seconds; the library, milliseconds.
    readIdleTimeoutMs: milliseconds(fields.number('read_idle_timeout', SECONDS)),
    healthCheckTimeoutMs: milliseconds(fields.number('health_check_timeout', SECONDS)),
    headers: headers === undefined ? undefined : Object.fromEntries(headers.entries().map(([name]) => [name, headers.strings(name) ?? []])),
  };
  fields.rejectUnread('is not a known key here');
  return dropUndefined(settings);
}

/**
 * A whole v2ray config handed over where one `streamSettings` object belongs: says so, naming the inbound
 * or outbound whose `streamSettings` would fit, instead of judging the file's top level as one.
 */
function wholeConfigHint(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const config = json as Record<string, unknown>;
  if (!Array.isArray(config.inbounds) && !Array.isArray(config.outbounds)) return undefined;
  const candidates: string[] = [];
  for (const side of ['inbounds', 'outbounds'] as const) {
    const list = config[side];
    if (!Array.isArray(list)) continue;
    list.forEach((entry: unknown, index) => {
      const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      const stream = (typeof item.streamSettings === 'object' && item.streamSettings !== null ? item.streamSettings : {}) as Record<string, unknown>;
      if (stream.network === 'http' || stream.network === 'h2') {
        candidates.push(`${side}[${index}]${typeof item.tag === 'string' ? ` (tag ${JSON.stringify(item.tag)})` : ''}`);
      }
    });
  }
  const where =
    candidates.length === 0 ? 'none of its inbounds or outbounds uses the http transport' : `use the "streamSettings" of ${candidates.join(' or ')}`;
  return `this is a whole v2ray config (it has "inbounds"/"outbounds"), not one streamSettings object: run it with "h2tunnel run -c FILE", or ${where}`;
}

function milliseconds(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}
