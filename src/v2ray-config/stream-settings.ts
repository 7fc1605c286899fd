import * as E from 'fp-ts/lib/Either.js';
import { invalidConfig, type InvalidConfig } from '../errors/transport-error.js';
import { isInvalidConfig } from '../errors/error-guards.js';
import { JsonFields } from './json-fields.js';
import type { HttpSettings } from '../settings/settings.js';
import { parseV4Tls, type StreamTlsSettings } from './stream-tls.js';
import { checkAlpn } from '../settings/tls-options.js';
import type { XhttpSettings } from '../settings/xhttp-settings.js';
import { parseXhttpSettings, xhttpHttpVersion } from './xhttp-stream-settings.js';
import { dropUndefined } from './drop-undefined.js';
import { SECONDS } from '../settings/ranges.js';

export type { CertificateEntry, StreamTlsSettings } from './stream-tls.js';

/** A parsed v2ray `streamSettings` object with network `http`, or Xray's `xhttp`. */
export interface StreamSettings {
  /** For XHTTP: its host, path, headers and upload method. */
  readonly http: HttpSettings;
  /** Present exactly when `security` is `tls`. */
  readonly tls: StreamTlsSettings | undefined;
  /** Present exactly when the network is Xray's `xhttp` (or `splithttp`). */
  readonly xhttp?: XhttpSettings;
  /** Keys that v2ray knows but h2tunnel ignores (other transports, sockopt). */
  readonly warnings: readonly string[];
}

/** The transports h2tunnel speaks, by the names v2ray and Xray give them in `network`. */
export type StreamTransport = 'http' | 'xhttp';

const NETWORKS: Readonly<Record<string, StreamTransport>> = { http: 'http', h2: 'http', xhttp: 'xhttp', splithttp: 'xhttp' };

// Each transport's own section and its aliases; the other transport's sections are ignored with a warning.
const SECTIONS: Readonly<Record<StreamTransport, readonly [string, string?]>> = {
  http: ['httpSettings'],
  xhttp: ['xhttpSettings', 'splithttpSettings'],
};

// Sections that belong to other transports or to the socket layer: valid in a v2ray config, not ours.
const IGNORED_STREAM_KEYS = new Set([
  'httpSettings',
  'xhttpSettings',
  'splithttpSettings',
  'tcpSettings',
  'rawSettings',
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
 * Parses v2ray's `streamSettings` JSON (network `http`), or Xray's with network `xhttp` and its
 * `xhttpSettings`. Never throws: wrong types, unknown keys and what h2tunnel cannot honour (REALITY, uTLS,
 * h3, XHTTP's obfuscation options) are an {@link InvalidConfig} naming the key.
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
    const transport = transportOf(root);
    const security = root.string('security') ?? 'none';
    if (security === 'reality') {
      throw invalidConfig(root.key('security'), `"reality" is not supported: REALITY borrows another site's TLS handshake, which Node's TLS stack cannot do`);
    }
    if (security !== 'tls' && security !== 'none' && security !== '') {
      throw invalidConfig(root.key('security'), `must be "tls" or "none", got "${security}"`);
    }
    const tlsFields = root.object('tlsSettings');
    const alpnKey = tlsFields?.key('alpn') ?? '';
    const httpVersion = transport === 'xhttp' && security === 'tls' ? xhttpHttpVersion(tlsFields?.strings('alpn'), alpnKey) : undefined;
    const tls = security === 'tls' ? parseV4Tls(tlsFields, transport === 'xhttp' ? () => undefined : checkAlpn) : undefined;
    const warnings: string[] = [];
    if (security !== 'tls' && tlsFields !== undefined) warnings.push(`${tlsFields.prefix} is ignored because security is not "tls"`);
    const [section, alias] = SECTIONS[transport];
    const sectionFields = root.object(section) ?? (alias === undefined ? undefined : root.object(alias));
    if (alias !== undefined && root.raw(alias) !== undefined && root.raw(section) !== undefined) {
      warnings.push(`${root.key(alias)} is ignored: ${root.key(section)} is given too, and Xray reads that one`);
    }
    const parsed = transport === 'xhttp' ? parseXhttpSettings(sectionFields ?? JsonFields.open({}, root.key(section)), httpVersion) : undefined;
    const http = parsed?.http ?? parseHttp(sectionFields);
    warnings.push(...(parsed?.warnings ?? []));
    for (const key of root.unread()) {
      const name = key.slice(root.prefix.length + 1);
      if (!IGNORED_STREAM_KEYS.has(name)) throw invalidConfig(key, 'is not a known streamSettings key');
      warnings.push(`${key} is ignored by the ${transport === 'xhttp' ? 'XHTTP' : 'http'} transport`);
    }
    return E.right({ http, tls, ...(parsed === undefined ? {} : { xhttp: parsed.xhttp }), warnings });
  } catch (error) {
    if (isInvalidConfig(error)) return E.left(error);
    throw error;
  }
}

/**
 * The transport `network` names (any case, as Xray lower-cases it), or Xray's alias `method`, which wins
 * when both are given. The default `tcp` (Xray: `raw`) is not a tunnel transport.
 */
function transportOf(root: JsonFields): StreamTransport {
  const method = root.string('method');
  const network = method ?? root.string('network') ?? 'tcp';
  root.raw('network');
  const transport = NETWORKS[network.toLowerCase()];
  if (transport === undefined) {
    throw invalidConfig(root.key(method === undefined ? 'network' : 'method'), `must be "http" (or "h2") or Xray's "xhttp" (or "splithttp"), got "${network}"`);
  }
  return transport;
}

/** The transport a `streamSettings` value names, if it is one h2tunnel speaks; for hints, never throws. */
export function namedTransport(stream: unknown): StreamTransport | undefined {
  if (typeof stream !== 'object' || stream === null) return undefined;
  const { method, network } = stream as Record<string, unknown>;
  const name = method ?? network;
  return typeof name === 'string' ? NETWORKS[name.toLowerCase()] : undefined;
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
      if (namedTransport(stream) !== undefined) {
        candidates.push(`${side}[${index}]${typeof item.tag === 'string' ? ` (tag ${JSON.stringify(item.tag)})` : ''}`);
      }
    });
  }
  const where =
    candidates.length === 0 ? 'none of its inbounds or outbounds uses the http transport or XHTTP' : `use the "streamSettings" of ${candidates.join(' or ')}`;
  return `this is a whole v2ray config (it has "inbounds"/"outbounds"), not one streamSettings object: run it with "h2tunnel run -c FILE", or ${where}`;
}

function milliseconds(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}
