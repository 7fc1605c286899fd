import * as E from 'fp-ts/lib/Either.js';
import { invalidConfig, type InvalidConfig } from '../errors/transport-error.js';
import { isInvalidConfig } from '../errors/error-guards.js';
import { dropUndefined } from './drop-undefined.js';
import { JsonFields } from './json-fields.js';
import type { HttpSettings } from '../settings/settings.js';
import type { StreamSettings } from './stream-settings.js';
import { certificateEntry, tlsSettings, type CertificateEntry, type StreamTlsSettings } from './stream-tls.js';
import { checkAlpn, checkPin, cipherSuites, tlsVersion } from '../settings/tls-options.js';

// v2fly v5's jsonv5 `streamSettings`: `transport: "h2"` with `transportSettings` (the http transport's
// protobuf message in protojson: host, path, method, header[{name, value}], parseXForwardedFor) and
// `security: "tls"` with `securitySettings` (transport/internet/tls/config.proto). Protojson takes field
// names in lowerCamelCase or as in the .proto (snake_case); both are read.

const USAGES: Readonly<Record<string, CertificateEntry['usage']>> = {
  ENCIPHERMENT: 'encipherment',
  AUTHORITY_VERIFY: 'verify',
  AUTHORITY_VERIFY_CLIENT: 'verifyclient',
};

// Go's cipher-suite IDs (jsonv5 `ciphersuites` is a list of them) → Go's names.
const SUITE_IDS: Readonly<Record<number, string>> = {
  0x0005: 'TLS_RSA_WITH_RC4_128_SHA',
  0x000a: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA',
  0x0035: 'TLS_RSA_WITH_AES_256_CBC_SHA',
  0x003c: 'TLS_RSA_WITH_AES_128_CBC_SHA256',
  0x009c: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  0x009d: 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  0xc007: 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA',
  0xc009: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  0xc00a: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  0xc011: 'TLS_ECDHE_RSA_WITH_RC4_128_SHA',
  0xc012: 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
  0xc013: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  0xc014: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  0xc023: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  0xc027: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  0xc02b: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  0xc02c: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  0xc02f: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  0xc030: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  0xcca8: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  0xcca9: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  0x1301: 'TLS_AES_128_GCM_SHA256',
  0x1302: 'TLS_AES_256_GCM_SHA384',
  0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
};

/** A parsed jsonv5 `streamSettings`: what a v4 one gives, plus the hub's `parseXForwardedFor`. */
export interface V5StreamSettings extends StreamSettings {
  readonly trustForwardedFor: boolean;
}

/**
 * Parses a jsonv5 `streamSettings` object whose transport is `h2`. Never throws: wrong types and unknown
 * keys are an {@link InvalidConfig} naming the key.
 *
 * @example
 * ```ts
 * parseV5StreamSettings({ transport: 'h2', transportSettings: { host: ['t.test'], path: '/tun' }, security: 'tls' });
 * ```
 */
export function parseV5StreamSettings(json: unknown, at = 'streamSettings'): E.Either<InvalidConfig, V5StreamSettings> {
  try {
    const root = JsonFields.open(camelKeys(json), at);
    const transport = root.string('transport') ?? 'tcp';
    if (transport !== 'h2') throw invalidConfig(root.key('transport'), `must be "h2" (the http transport's jsonv5 name), got "${transport}"`);
    const security = root.string('security') ?? 'none';
    if (security !== 'tls' && security !== 'none' && security !== '') throw invalidConfig(root.key('security'), `must be "tls" or "none", got "${security}"`);
    const transportSettings = root.object('transportSettings');
    const http = transportSettings === undefined ? {} : parseTransport(transportSettings);
    const trustForwardedFor = transportSettings?.boolean('parseXForwardedFor') ?? false;
    const securityFields = root.object('securitySettings');
    const tls = security === 'tls' ? parseSecurity(securityFields) : undefined;
    const warnings: string[] = [];
    if (security !== 'tls' && securityFields !== undefined) warnings.push(`${securityFields.prefix} is ignored because security is not "tls"`);
    if (root.raw('socketSettings') !== undefined) warnings.push(`${root.key('socketSettings')} is ignored by h2tunnel`);
    root.rejectUnread('is not a known jsonv5 streamSettings key');
    return E.right({ http, tls, warnings, trustForwardedFor });
  } catch (error) {
    if (isInvalidConfig(error)) return E.left(error);
    throw error;
  }
}

function parseTransport(fields: JsonFields): HttpSettings {
  const headers = fields.objects('header')?.map((header) => {
    const name = header.string('name');
    if (name === undefined || name === '') throw invalidConfig(header.key('name'), 'is required');
    const values = header.strings('value') ?? [];
    header.rejectUnread('is not a known key here');
    return [name, values] as const;
  });
  const settings = {
    host: fields.strings('host'),
    path: fields.string('path'),
    method: fields.string('method'),
    headers: headers === undefined ? undefined : Object.fromEntries(headers),
  };
  fields.raw('parseXForwardedFor');
  fields.rejectUnread('is not a known key of the h2 transport');
  return dropUndefined(settings);
}

function parseSecurity(fields: JsonFields | undefined): StreamTlsSettings {
  if (fields === undefined) return { allowInsecure: false, certificates: [] };
  checkAlpn(fields.strings('nextProtocol'), fields.key('nextProtocol'));
  fields.raw('enableSessionResumption');
  const suites = fields.raw('ciphersuites');
  const settings = tlsSettings(
    fields,
    {
      serverName: fields.string('serverName'),
      allowInsecure: fields.boolean('allowInsecure') ?? false,
      certificates: (fields.objects('certificate') ?? []).map((entry) => parseCertificate(entry)),
      pinnedPeerCertificateChainSha256: fields
        .strings('pinnedPeerCertificateChainSha256')
        ?.map((pin, i) => checkPin(pin, `${fields.key('pinnedPeerCertificateChainSha256')}[${i}]`)),
      minVersion: tlsVersion(fields.string('minVersion'), fields.key('minVersion')),
      maxVersion: tlsVersion(fields.string('maxVersion'), fields.key('maxVersion')),
      ciphers: suites === undefined ? undefined : cipherSuites(suiteNames(suites, fields.key('ciphersuites')), fields.key('ciphersuites')),
      disableSystemRoot: fields.boolean('disableSystemRoot'),
      verifyClientCertificate: fields.boolean('verifyClientCertificate'),
    },
    fields.boolean('allowInsecureIfPinnedPeerCertificate') ?? false,
  );
  fields.rejectUnread('is not a known securitySettings key of "tls"');
  return settings;
}

function parseCertificate(fields: JsonFields): CertificateEntry {
  const named = fields.string('usage') ?? 'ENCIPHERMENT';
  if (named === 'AUTHORITY_ISSUE') throw invalidConfig(fields.key('usage'), '"AUTHORITY_ISSUE" (signing certificates on the fly) is not supported');
  const usage = USAGES[named];
  if (usage === undefined) throw invalidConfig(fields.key('usage'), `must be ENCIPHERMENT, AUTHORITY_VERIFY or AUTHORITY_VERIFY_CLIENT, got "${named}"`);
  // Inline certificates are protobuf `bytes`: base64 of the PEM text in protojson.
  const inline = (name: string) => {
    const value = fields.string(name);
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
  };
  const entry = certificateEntry(fields, usage, {
    certificateFile: fields.string('certificateFile'),
    keyFile: fields.string('keyFile'),
    certificate: inline('certificate'),
    key: inline('key'),
  });
  fields.rejectUnread('is not a known key here');
  return entry;
}

function suiteNames(value: unknown, key: string): string {
  if (!Array.isArray(value)) throw invalidConfig(key, 'must be a list of cipher-suite numbers');
  return value
    .map((id: unknown, i) => {
      const name = typeof id === 'number' ? SUITE_IDS[id] : undefined;
      if (name === undefined) throw invalidConfig(`${key}[${i}]`, `${JSON.stringify(id)} is not a cipher-suite ID Go knows`);
      return name;
    })
    .join(':');
}

/** Protojson's two spellings of a field name folded into one: `server_name` → `serverName`; `Certificate` → `certificate`. */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, v]) => [
      name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase()),
      camelKeys(v),
    ]),
  );
}
