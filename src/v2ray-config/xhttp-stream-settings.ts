import * as E from 'fp-ts/lib/Either.js';
import { configDetail, invalidConfig } from '../errors/transport-error.js';
import { resolveXhttpSettings } from '../settings/resolve-xhttp-settings.js';
import type { HttpSettings } from '../settings/settings.js';
import { XHTTP_DEFAULTS, type Range, type XhttpHttpVersion, type XhttpMode, type XhttpSettings, type XmuxSettings } from '../settings/xhttp-settings.js';
import { dropUndefined } from './drop-undefined.js';
import { JsonFields } from './json-fields.js';
import { describeValue as describe } from '../settings/describe-value.js';
import { refuseUnsupportedXhttp } from './xhttp-refusals.js';
import { xrayInteger, xrayRange } from './xray-range.js';

// Xray's `xhttpSettings` (infra/conf/transport_method.go `SplitHTTPConfig`, v26.7.28) → the library's
// HttpSettings (host, path, headers, upload method) and XhttpSettings. Xray's units and spellings are
// converted here (seconds → ms, `sc`/`x`/`c`/`h` prefixes dropped); its zero values mean "default".

/** What an `xhttpSettings` object says. */
export interface ParsedXhttp {
  readonly http: HttpSettings;
  readonly xhttp: XhttpSettings;
  readonly warnings: readonly string[];
}

const MODES: readonly XhttpMode[] = ['auto', 'stream-one', 'stream-up', 'packet-up'];
// Xray takes these three from the outer object even when `extra` replaces everything else.
const OUTER_KEYS = ['host', 'path', 'mode'] as const;

/**
 * Parses an `xhttpSettings` object (or `splithttpSettings`); `httpVersion` comes from the TLS `alpn`
 * ({@link xhttpHttpVersion}). Throws an InvalidConfig naming the key; what Xray would do that h2tunnel
 * cannot (obfuscation options, `downloadSettings`) is refused rather than ignored.
 *
 * @example
 * ```ts
 * parseXhttpSettings(JsonFields.open({ host: 't.test', path: '/tun', mode: 'packet-up', xPaddingBytes: '200-400' }, 'xhttpSettings'));
 * // { http: { host: ['t.test'], path: '/tun' }, xhttp: { mode: 'packet-up', paddingBytes: { from: 200, to: 400 } }, warnings: [] }
 * ```
 */
export function parseXhttpSettings(outer: JsonFields | undefined, httpVersion?: XhttpHttpVersion): ParsedXhttp {
  const fields = outer ?? JsonFields.open({}, 'xhttpSettings');
  const warnings: string[] = [];
  const host = fields.string('host');
  const path = fields.string('path');
  const mode = modeOf(fields);
  const source = withExtra(fields, warnings);
  refuseUnsupportedXhttp(source);
  const method = uploadMethod(source);
  const maxHeaderBytes = xrayInteger(source.raw('serverMaxHeaderBytes'), source.key('serverMaxHeaderBytes'));
  if (maxHeaderBytes !== undefined && maxHeaderBytes < 0) throw invalidConfig(source.key('serverMaxHeaderBytes'), 'invalid negative value of maxHeaderBytes');
  if (maxHeaderBytes !== undefined && maxHeaderBytes > 0)
    warnings.push(`${source.key('serverMaxHeaderBytes')} is ignored: h2tunnel's server bounds headers itself`);
  const xhttp: XhttpSettings = dropUndefined({
    mode,
    paddingBytes: paddingBytes(source),
    noGRPCHeader: source.boolean('noGRPCHeader'),
    noSSEHeader: source.boolean('noSSEHeader'),
    maxEachPostBytes: positive(source, 'scMaxEachPostBytes'),
    minPostsIntervalMs: atLeastZero(xrayRange(source.raw('scMinPostsIntervalMs'), source.key('scMinPostsIntervalMs'))),
    maxBufferedPosts: maxBufferedPosts(source),
    streamUpPaddingIntervalMs: streamUpInterval(source),
    httpVersion,
    xmux: xmuxOf(source.object('xmux')),
  });
  const http: HttpSettings = dropUndefined({
    host: host === undefined || host === '' ? undefined : [host],
    path,
    method,
    headers: headersOf(source.object('headers')),
  });
  source.rejectUnread('is not a known xhttpSettings key');
  fields.rejectUnread('is not a known xhttpSettings key');
  const resolved = resolveXhttpSettings(xhttp);
  // Every value was checked above under its Xray name; this only guards against the two drifting apart.
  if (E.isLeft(resolved)) throw invalidConfig(fields.prefix, `cannot be honoured: ${configDetail(resolved.left)}`);
  return { http, xhttp, warnings };
}

/**
 * The HTTP version an XHTTP client speaks for a TLS `alpn` list, as Xray's dialer decides it: exactly
 * `["http/1.1"]` is HTTP/1.1, a list with `h2` (or none) is h2; `h3` alone would be QUIC, which Node lacks.
 *
 * @example
 * ```ts
 * xhttpHttpVersion(['http/1.1'], 'tlsSettings.alpn'); // '1.1'
 * xhttpHttpVersion(['h2', 'http/1.1'], 'tlsSettings.alpn'); // undefined (h2)
 * xhttpHttpVersion(['h3'], 'tlsSettings.alpn'); // throws InvalidConfig
 * ```
 */
export function xhttpHttpVersion(alpn: readonly string[] | undefined, key: string): XhttpHttpVersion | undefined {
  if (alpn === undefined || alpn.length === 0 || alpn.includes('h2')) return undefined;
  if (alpn.length === 1 && alpn[0] === 'http/1.1') return '1.1';
  if (alpn.includes('h3')) throw invalidConfig(key, 'asks for HTTP/3 (h3), which needs QUIC: Node has no stable QUIC; use ["h2"] or ["http/1.1"]');
  throw invalidConfig(key, `must be ["http/1.1"] or contain "h2" for XHTTP, got ${JSON.stringify(alpn)}`);
}

function modeOf(fields: JsonFields): XhttpMode | undefined {
  const mode = fields.string('mode');
  if (mode === undefined || mode === '') return undefined;
  if (!MODES.includes(mode as XhttpMode)) throw invalidConfig(fields.key('mode'), `unsupported mode "${mode}": one of ${MODES.join(', ')}`);
  return mode as XhttpMode;
}

/** With `extra` (even `null`), Xray reads every key but host, path and mode from it and drops the outer ones. */
function withExtra(fields: JsonFields, warnings: string[]): JsonFields {
  if (!fields.entries().some(([name]) => name === 'extra')) return fields;
  const extra = fields.raw('extra');
  const source = JsonFields.open(extra ?? {}, fields.key('extra'));
  for (const key of fields.unread()) {
    if (!(OUTER_KEYS as readonly string[]).includes(key.slice(fields.prefix.length + 1))) {
      warnings.push(`${key} is ignored: with "extra", Xray reads every key but host, path and mode from it`);
    }
    fields.raw(key.slice(fields.prefix.length + 1));
  }
  for (const name of [...OUTER_KEYS, 'extra']) {
    const value = source.raw(name);
    if (value !== undefined && value !== null && value !== '') warnings.push(`${source.key(name)} is ignored: Xray takes it from the outer xhttpSettings`);
  }
  return source;
}

function uploadMethod(fields: JsonFields): string | undefined {
  const method = fields.string('uplinkHTTPMethod')?.toUpperCase();
  if (method === undefined || method === '' || method === 'POST') return undefined;
  if (method === 'GET') {
    throw invalidConfig(
      fields.key('uplinkHTTPMethod'),
      'GET uploads carry their data in headers or cookies, an obfuscation option h2tunnel does not support yet',
    );
  }
  return method;
}

function paddingBytes(fields: JsonFields): Range | undefined {
  const range = xrayRange(fields.raw('xPaddingBytes'), fields.key('xPaddingBytes'));
  if (range !== undefined && range.from <= 0) throw invalidConfig(fields.key('xPaddingBytes'), 'cannot be disabled: both ends must be above 0');
  return range;
}

function positive(fields: JsonFields, name: string): Range | undefined {
  const range = xrayRange(fields.raw(name), fields.key(name));
  if (range !== undefined && range.from <= 0) throw invalidConfig(fields.key(name), `must be above 0 at both ends, got ${range.from}-${range.to}`);
  return range;
}

function maxBufferedPosts(fields: JsonFields): number | undefined {
  const posts = xrayInteger(fields.raw('scMaxBufferedPosts'), fields.key('scMaxBufferedPosts'));
  if (posts !== undefined && posts < 0) throw invalidConfig(fields.key('scMaxBufferedPosts'), `must be above 0, got ${posts}`);
  return posts === 0 ? undefined : posts;
}

/** Seconds → ms; Xray turns the keep-alive padding off when the upper end is 0 or below. */
function streamUpInterval(fields: JsonFields): Range | 0 | undefined {
  const range = xrayRange(fields.raw('scStreamUpServerSecs'), fields.key('scStreamUpServerSecs'));
  if (range === undefined) return undefined;
  if (range.to <= 0) return 0;
  if (range.from <= 0)
    throw invalidConfig(fields.key('scStreamUpServerSecs'), `must be above 0 at both ends (or at most 0 for never), got ${range.from}-${range.to}`);
  return { from: range.from * 1000, to: range.to * 1000 };
}

/**
 * Reads Xray's `xmux` object (`maxConcurrency`, `maxConnections`, `cMaxReuseTimes`, `hMaxRequestTimes`,
 * `hMaxReusableSecs`, `hKeepAlivePeriod`) as the library's {@link XmuxSettings}: Xray's ranges and zero
 * values, seconds as ms. Throws an InvalidConfig naming the key.
 *
 * @example
 * ```ts
 * parseXrayXmux(JsonFields.open({ maxConnections: '2-4', hKeepAlivePeriod: -1 }, '--xmux')); // { maxConnections: { from: 2, to: 4 }, keepAlivePeriodMs: 0 }
 * ```
 */
export function parseXrayXmux(fields: JsonFields): XmuxSettings {
  // Undefined is Xray's zero value (0, "", "0-0"); a negative end is no limit, as 0 is in the library.
  let set = false;
  const read = (name: string, scale = 1) => {
    const range = xrayRange(fields.raw(name), fields.key(name));
    if (range !== undefined) set = true;
    return scaled(atLeastZero(range), scale);
  };
  const maxConcurrency = read('maxConcurrency');
  const maxConnections = read('maxConnections');
  if ((maxConcurrency?.to ?? 0) > 0 && (maxConnections?.to ?? 0) > 0) {
    throw invalidConfig(fields.key('maxConnections'), 'cannot be specified together with maxConcurrency');
  }
  const keepAlive = xrayInteger(fields.raw('hKeepAlivePeriod'), fields.key('hKeepAlivePeriod'));
  const limits = {
    maxConcurrency,
    maxConnections,
    maxReuseTimes: read('cMaxReuseTimes'),
    maxRequestTimes: read('hMaxRequestTimes'),
    maxReusableMs: read('hMaxReusableSecs', 1000),
  };
  const limited = Object.values(limits).some((range) => range !== undefined && range.to > 0);
  // Xray: 0 is its 45 s default, below 0 no keep-alive at all. An xmux Xray takes as set (no defaults) whose
  // limits all read as "none" here ("-1") says so with the keep-alive Xray then uses: the library's
  // settings would otherwise be all zero, which means its defaults.
  const keepAlivePeriodMs =
    keepAlive !== undefined && keepAlive !== 0 ? Math.max(0, keepAlive) * 1000 : set && !limited ? XHTTP_DEFAULTS.keepAlivePeriodMs : undefined;
  const xmux: XmuxSettings = dropUndefined({ ...limits, keepAlivePeriodMs });
  fields.rejectUnread('is not a known xmux key');
  return xmux;
}

function xmuxOf(fields: JsonFields | undefined): XmuxSettings | undefined {
  return fields === undefined ? undefined : parseXrayXmux(fields);
}

function headersOf(fields: JsonFields | undefined): Record<string, string[]> | undefined {
  if (fields === undefined) return undefined;
  return Object.fromEntries(
    fields.entries().map(([name, value]) => {
      if (name.toLowerCase() === 'host') throw invalidConfig(fields.key(name), `"headers" can't contain "host": set xhttpSettings.host`);
      if (typeof value !== 'string') throw invalidConfig(fields.key(name), `must be a string, got ${describe(value)}`);
      return [name, [value]];
    }),
  );
}

/** Xray reads a negative end as 0 (no limit, no wait) in these settings. */
function atLeastZero(range: Range | undefined): Range | undefined {
  return range === undefined ? undefined : { from: Math.max(0, range.from), to: Math.max(0, range.to) };
}

function scaled(range: Range | undefined, factor: number): Range | undefined {
  return range === undefined ? undefined : { from: range.from * factor, to: range.to * factor };
}
