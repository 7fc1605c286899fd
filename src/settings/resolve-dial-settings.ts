import type { SecureVersion } from 'node:tls';
import * as E from 'fp-ts/lib/Either.js';
import { invalidConfig, tlsRequired, type InvalidConfig, type TlsRequired } from '../errors/transport-error.js';
import { isInvalidConfig } from '../errors/error-guards.js';
import type { CertificatePins } from '../tls/certificate-pins.js';
import type { XrayVerification } from '../tls/xray-verification.js';
import { DEFAULT_HOSTS, type HostList } from './hosts.js';
import { normalizePath } from './path.js';
import { keepAliveCheck, resolveXmux } from './resolve-xmux.js';
import { checkRange, HEALTH_MILLISECONDS, MILLISECONDS, type NumberRange } from './ranges.js';
import { checkCertSha256, checkPin, checkVerifyName, checkVersionRange, isSecureVersion, SECURE_VERSIONS } from './tls-options.js';
import { describeValue } from './describe-value.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HEALTH_CHECK_TIMEOUT_MS,
  DEFAULT_METHOD,
  DEFAULT_READ_IDLE_TIMEOUT_MS,
  DEFAULT_RESPONSE_TIMEOUT_MS,
  type DialSettings,
  type HealthCheck,
  type HttpSettings,
  type ResolvedDialSettings,
  type TlsClientSettings,
  type TransportSecurity,
} from './settings.js';

/**
 * Validates {@link DialSettings} and fills defaults. No TLS and no explicit `h2c` is the v2ray
 * "TLS must be enabled for http transport." warning.
 *
 * @example
 * ```ts
 * resolveDialSettings({ host: ['tunnel.test'], path: 'tun', tls: {} }); // right({ path: '/tun', … })
 * resolveDialSettings({});                                            // left(TlsRequired)
 * ```
 */
export function resolveDialSettings(settings: DialSettings): E.Either<InvalidConfig | TlsRequired, ResolvedDialSettings> {
  try {
    if (settings.tls !== undefined && settings.h2c === true) {
      return E.left(invalidConfig('h2c', 'cannot be combined with TLS settings; choose one'));
    }
    rejectRenamed(settings);
    if (settings.bulkCap !== undefined && typeof settings.bulkCap !== 'boolean') return E.left(invalidConfig('bulkCap', 'must be true or false'));
    if (settings.tls === undefined && settings.h2c !== true) return E.left(tlsRequired());
    if (settings.xmux !== undefined && settings.xhttp !== undefined) throw invalidConfig('xmux', 'an XHTTP dial takes its reuse limits from xhttp.xmux');
    const http = resolveHttp(settings);
    const xmux = settings.xmux === undefined ? undefined : resolveXmux(settings.xmux, 'xmux');
    const keepAlive = {
      key: 'xmux.keepAlivePeriodMs',
      given: settings.xmux?.keepAlivePeriodMs !== undefined,
      periodMs: xmux?.keepAlivePeriodMs,
      byDefault: false,
    };
    // Spelled out, not `{ ...http, … }`: V8 takes a slow path (~1 us, every dial) for a spread followed by more properties.
    return E.right({
      hosts: http.hosts,
      path: http.path,
      method: http.method,
      headers: http.headers,
      security: resolveSecurity(settings),
      healthCheck: keepAliveCheck(resolveHealthCheck(settings, DEFAULT_READ_IDLE_TIMEOUT_MS), settings, keepAlive),
      reuse: xmux,
      zeroRtt: settings.zeroRtt === true,
      bulkCap: settings.bulkCap === true,
      connectTimeoutMs: positive('connectTimeoutMs', settings.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, MILLISECONDS),
      responseTimeoutMs: positive('responseTimeoutMs', settings.responseTimeoutMs, DEFAULT_RESPONSE_TIMEOUT_MS, MILLISECONDS),
    });
  } catch (error) {
    // Settings come from JavaScript callers too: anything unforeseen is still a typed config error.
    return E.left(isInvalidConfig(error) ? error : invalidConfig('', `invalid settings: ${(error as Error).message}`));
  }
}

/** Host list, path, method and headers, validated; shared by client and server. Throws InvalidConfig. */
export function resolveHttp(settings: HttpSettings): Pick<ResolvedDialSettings, 'hosts' | 'path' | 'method' | 'headers'> {
  if (settings.path !== undefined && typeof settings.path !== 'string') throw invalidConfig('path', 'must be a string');
  return {
    hosts: resolveHosts(settings.host),
    path: normalizePath(settings.path ?? ''),
    method: resolveMethod(settings.method),
    headers: resolveHeaders(settings.headers),
  };
}

/** Health-check timing; `defaultIdleMs` differs between client and server. Throws InvalidConfig. */
export function resolveHealthCheck(settings: HttpSettings, defaultIdleMs: number): HealthCheck {
  rejectRenamed(settings);
  const idle = nonNegative('readIdleTimeoutMs', settings.readIdleTimeoutMs, defaultIdleMs, HEALTH_MILLISECONDS);
  const wait = nonNegative('healthCheckTimeoutMs', settings.healthCheckTimeoutMs, DEFAULT_HEALTH_CHECK_TIMEOUT_MS, HEALTH_MILLISECONDS);
  if (idle > 0 && wait === 0) throw invalidConfig('healthCheckTimeoutMs', 'must be above 0 when readIdleTimeoutMs is set');
  return { readIdleMs: idle, timeoutMs: wait };
}

// Every duration of the library is in milliseconds, named so; these four once were not (two in seconds).
const RENAMED: Readonly<Record<string, string>> = {
  readIdleTimeout: 'readIdleTimeoutMs',
  healthCheckTimeout: 'healthCheckTimeoutMs',
  connectTimeout: 'connectTimeoutMs',
  responseTimeout: 'responseTimeoutMs',
};

// A JavaScript caller (or an old config object) may still pass the old names: say what they became.
function rejectRenamed(settings: object): void {
  for (const [old, now] of Object.entries(RENAMED)) {
    if (Object.prototype.hasOwnProperty.call(settings, old))
      throw invalidConfig(old, `was renamed ${now}, in milliseconds like every duration of the library (v2ray JSON and the CLI flags keep seconds)`);
  }
}

function resolveHosts(hosts: readonly string[] | undefined): HostList {
  if (hosts === undefined) return DEFAULT_HOSTS;
  if (!Array.isArray(hosts)) throw invalidConfig('host', 'must be a list of host names');
  if (hosts.length === 0) return DEFAULT_HOSTS;
  hosts.forEach((host: unknown, i) => {
    if (typeof host !== 'string' || !/^[^\s/?#@]+$/.test(host)) throw invalidConfig(`host[${i}]`, `${describeValue(host)} is not a host name`);
  });
  return hosts as unknown as HostList;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// HTTP/2 forbids connection-specific headers (RFC 9113 §8.2.2); Node would throw at request time.
const FORBIDDEN_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

function resolveMethod(method: string | undefined): string {
  if (method === undefined || method === '') return DEFAULT_METHOD;
  if (typeof method !== 'string' || !TOKEN.test(method)) throw invalidConfig('method', `${describeValue(method)} is not an HTTP method`);
  return method.toUpperCase();
}

function resolveHeaders(headers: HttpSettings['headers']): Readonly<Record<string, readonly string[]>> {
  const out: Record<string, readonly string[]> = {};
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers)))
    throw invalidConfig('headers', 'must be an object of header names');
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) throw invalidConfig(`headers.${name}`, 'is not a valid header name');
    if (FORBIDDEN_HEADERS.has(lower)) throw invalidConfig(`headers.${name}`, 'is connection-specific and not allowed in HTTP/2');
    const values: readonly unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [value];
    values.forEach((v) => {
      if (typeof v !== 'string' || /[\r\n\0]/.test(v)) throw invalidConfig(`headers.${name}`, 'values must be strings without line breaks');
    });
    out[lower] = values as readonly string[];
  }
  return out;
}

function resolveSecurity(settings: DialSettings): TransportSecurity {
  const tls = settings.tls;
  if (tls === undefined) return { kind: 'h2c' };
  if (typeof tls !== 'object' || tls === null) throw invalidConfig('tls', 'must be an object');
  if (tls.serverName !== undefined && typeof tls.serverName !== 'string') throw invalidConfig('tls.serverName', 'must be a string');
  const ca = tls.ca === undefined ? undefined : Array.isArray(tls.ca) ? (tls.ca as (string | Buffer)[]) : [tls.ca as string | Buffer];
  if (tls.serverName !== undefined && !/^[^\s/]+$/.test(tls.serverName)) {
    throw invalidConfig('tls.serverName', `"${tls.serverName}" is not a host name`);
  }
  if (tls.disableSessionResumption !== undefined && typeof tls.disableSessionResumption !== 'boolean') {
    throw invalidConfig('tls.disableSessionResumption', 'must be true or false');
  }
  const minVersion = secureVersion('tls.minVersion', tls.minVersion);
  const maxVersion = secureVersion('tls.maxVersion', tls.maxVersion);
  checkVersionRange(minVersion, maxVersion, 'tls.maxVersion');
  if (tls.ciphers !== undefined && (typeof tls.ciphers !== 'string' || tls.ciphers === ''))
    throw invalidConfig('tls.ciphers', 'must be an OpenSSL cipher list');
  return {
    kind: 'tls',
    serverName: tls.serverName || undefined,
    allowInsecure: tls.allowInsecure === true,
    ca,
    resume: tls.disableSessionResumption !== true,
    pins: resolvePins(tls),
    xrayVerification: resolveXrayVerification(tls),
    clientCertificate: resolveClientCertificate(tls.clientCertificate),
    minVersion,
    maxVersion,
    ciphers: tls.ciphers,
  };
}

function resolvePins(tls: TlsClientSettings): CertificatePins | undefined {
  const list = (key: 'pinnedPeerCertificateChainSha256' | 'pinnedPeerCertificatePublicKeySha256'): readonly string[] => {
    const pins: unknown = tls[key];
    if (pins === undefined) return [];
    if (!Array.isArray(pins)) throw invalidConfig(`tls.${key}`, 'must be a list of base64 SHA-256 digests');
    return pins.map((pin: unknown, i) => {
      if (typeof pin !== 'string') throw invalidConfig(`tls.${key}[${i}]`, 'must be a base64 string');
      return checkPin(pin, `tls.${key}[${i}]`);
    });
  };
  const chain = list('pinnedPeerCertificateChainSha256');
  const publicKey = list('pinnedPeerCertificatePublicKeySha256');
  return chain.length === 0 && publicKey.length === 0 ? undefined : { chain, publicKey };
}

function resolveXrayVerification(tls: TlsClientSettings): XrayVerification | undefined {
  const list = (key: 'pinnedPeerCertSha256' | 'verifyPeerCertByName', check: (entry: string, key: string) => string): readonly string[] => {
    const entries: unknown = tls[key];
    if (entries === undefined) return [];
    if (!Array.isArray(entries)) throw invalidConfig(`tls.${key}`, 'must be a list of strings');
    const checked = entries.map((entry: unknown, i) => {
      if (typeof entry !== 'string') throw invalidConfig(`tls.${key}[${i}]`, 'must be a string');
      return check(entry, `tls.${key}[${i}]`);
    });
    // They replace the checks allowInsecure turns off: together they say two things.
    if (checked.length > 0 && tls.allowInsecure === true)
      throw invalidConfig(`tls.${key}`, 'replaces the usual checks; it cannot be combined with allowInsecure');
    return checked;
  };
  const certSha256 = list('pinnedPeerCertSha256', checkCertSha256);
  const names = list('verifyPeerCertByName', checkVerifyName);
  if (certSha256.length === 0 && names.length === 0) return undefined;
  return { certSha256, names: names.length === 0 ? undefined : names };
}

function resolveClientCertificate(pair: TlsClientSettings['clientCertificate']): TlsClientSettings['clientCertificate'] {
  if (pair === undefined) return undefined;
  const pem = (value: unknown) => typeof value === 'string' || Buffer.isBuffer(value);
  if (typeof pair !== 'object' || pair === null || !pem(pair.cert) || !pem(pair.key)) {
    throw invalidConfig('tls.clientCertificate', 'must be { cert, key } as PEM strings or Buffers');
  }
  return pair;
}

function secureVersion(key: string, value: unknown): SecureVersion | undefined {
  if (value === undefined) return undefined;
  if (!isSecureVersion(value)) throw invalidConfig(key, `must be one of ${SECURE_VERSIONS.join(', ')}, got ${describeValue(value)}`);
  return value;
}

// Durations end up in Node's timers: past 2^31-1 ms one fires after 1 ms, so the range is checked here.
function nonNegative(key: string, value: number | undefined, fallback: number, range: NumberRange): number {
  return value === undefined ? fallback : checkRange(key, value, range);
}

function positive(key: string, value: number | undefined, fallback: number, range: NumberRange): number {
  const n = nonNegative(key, value, fallback, range);
  if (n === 0) throw invalidConfig(key, 'must be above 0');
  return n;
}
