import type { SecureVersion } from 'node:tls';
import { invalidConfig } from '../errors/transport-error.js';
import { dropUndefined } from './drop-undefined.js';
import type { JsonFields } from './json-fields.js';
import { certSha256List, checkAlpn, checkPin, checkVersionRange, cipherSuites, tlsVersion, verifyNameList } from '../settings/tls-options.js';

/**
 * One entry of a config's TLS certificates: files, or inline PEM. `encipherment` is our own certificate
 * (a server's, or a client's for mutual TLS), `verify` a CA to trust, `verifyclient` a CA that issues
 * the client certificates a server accepts.
 */
export interface CertificateEntry {
  readonly usage: 'encipherment' | 'verify' | 'verifyclient';
  readonly certificateFile?: string;
  readonly keyFile?: string;
  readonly certificate?: string;
  readonly key?: string;
  /** Where the entry is in the file (`tlsSettings.certificates[1]`), for errors about its files. */
  readonly at?: string;
}

/** A config's TLS settings (v4 `tlsSettings` or jsonv5 `securitySettings`), the parts h2tunnel honours. */
export interface StreamTlsSettings {
  readonly serverName?: string;
  readonly allowInsecure: boolean;
  readonly disableSessionResumption?: boolean;
  readonly certificates: readonly CertificateEntry[];
  /** v2fly's chained SHA-256 pins of the server's chain, base64. */
  readonly pinnedPeerCertificateChainSha256?: readonly string[];
  /** Xray's SHA-256 pins of a certificate's public key, base64. */
  readonly pinnedPeerCertificatePublicKeySha256?: readonly string[];
  /** Xray's SHA-256 pins of a certificate's DER (the leaf, or a CA of the chain), lower-case hex. */
  readonly pinnedPeerCertSha256?: readonly string[];
  /** Xray's names to check the certificate against in place of `serverName`. */
  readonly verifyPeerCertByName?: readonly string[];
  readonly minVersion?: SecureVersion;
  readonly maxVersion?: SecureVersion;
  /** OpenSSL cipher list, mapped from the config's Go names. */
  readonly ciphers?: string;
  /** Trust only `verify` certificates, not the bundled roots. */
  readonly disableSystemRoot?: boolean;
  /** Server: refuse clients without a certificate from a `verifyclient` CA. */
  readonly verifyClientCertificate?: boolean;
  /** Server: refuse an SNI the certificate does not carry (Xray). */
  readonly rejectUnknownSni?: boolean;
}

// v4 TLS keys that are valid in v2ray/Xray and do not change what h2tunnel does on this wire.
const IGNORED_TLS_KEYS = new Set(['enableSessionResumption', 'preferServerCipherSuites']);

/**
 * Parses a v4 `tlsSettings` object (v2fly's keys plus Xray's). Throws an InvalidConfig naming the key.
 * `alpnRule` judges `alpn` for the transport: by default the http transport's (it must offer `h2`).
 *
 * @example
 * ```ts
 * parseV4Tls(JsonFields.open({ serverName: 't.test', minVersion: '1.3' }, 'tlsSettings')); // { serverName: 't.test', minVersion: 'TLSv1.3', … }
 * ```
 */
export function parseV4Tls(
  fields: JsonFields | undefined,
  alpnRule: (alpn: readonly string[] | undefined, key: string) => void = checkAlpn,
): StreamTlsSettings {
  if (fields === undefined) return { allowInsecure: false, certificates: [] };
  const certificates = (fields.objects('certificates') ?? []).map(parseV4Certificate);
  const fingerprint = fields.string('fingerprint');
  if (fingerprint !== undefined && fingerprint !== '') {
    throw invalidConfig(
      fields.key('fingerprint'),
      `uTLS fingerprint "${fingerprint}" cannot be imitated: Node's TLS stack sends its own ClientHello; remove the key`,
    );
  }
  alpnRule(fields.strings('alpn'), fields.key('alpn'));
  const ciphers = fields.string('cipherSuites');
  const settings = tlsSettings(fields, {
    serverName: fields.string('serverName'),
    allowInsecure: fields.boolean('allowInsecure') ?? false,
    disableSessionResumption: fields.boolean('disableSessionResumption'),
    certificates,
    pinnedPeerCertificateChainSha256: pins(fields, 'pinnedPeerCertificateChainSha256'),
    pinnedPeerCertificatePublicKeySha256: pins(fields, 'pinnedPeerCertificatePublicKeySha256'),
    pinnedPeerCertSha256: commaSeparated(fields, 'pinnedPeerCertSha256', certSha256List),
    verifyPeerCertByName: commaSeparated(fields, 'verifyPeerCertByName', verifyNameList),
    minVersion: tlsVersion(fields.string('minVersion'), fields.key('minVersion')),
    maxVersion: tlsVersion(fields.string('maxVersion'), fields.key('maxVersion')),
    ciphers: ciphers === undefined ? undefined : cipherSuites(ciphers, fields.key('cipherSuites')),
    disableSystemRoot: fields.boolean('disableSystemRoot'),
    verifyClientCertificate: fields.boolean('verifyClientCertificate'),
    rejectUnknownSni: fields.boolean('rejectUnknownSni'),
  });
  for (const key of fields.unread()) {
    if (!IGNORED_TLS_KEYS.has(key.slice(fields.prefix.length + 1))) throw invalidConfig(key, 'is not a known tlsSettings key');
  }
  return settings;
}

/**
 * Checks what the TLS keys say together and drops the unset ones: shared by the v4 and jsonv5 parsers.
 * `allowInsecureIfPinned` is v2fly's `allowInsecureIfPinnedPeerCertificate`: with pins, they replace the
 * chain check.
 */
export function tlsSettings(fields: JsonFields, settings: StreamTlsSettings, allowInsecureIfPinned = false): StreamTlsSettings {
  checkVersionRange(settings.minVersion, settings.maxVersion, fields.key('maxVersion'));
  if (settings.allowInsecure && (settings.pinnedPeerCertSha256 !== undefined || settings.verifyPeerCertByName !== undefined)) {
    throw invalidConfig(fields.key('allowInsecure'), 'cannot be combined with pinnedPeerCertSha256 or verifyPeerCertByName, which replace it (as in Xray)');
  }
  const pinned = (settings.pinnedPeerCertificateChainSha256?.length ?? 0) > 0;
  const verifyCas = settings.certificates.filter((entry) => entry.usage === 'verify').length;
  // A pin on the leaf or on a CA of the chain trusts by itself (Xray's pinnedPeerCertSha256).
  const trustedByPin = settings.pinnedPeerCertSha256 !== undefined || (pinned && allowInsecureIfPinned);
  if (settings.disableSystemRoot === true && verifyCas === 0 && !settings.allowInsecure && !trustedByPin) {
    throw invalidConfig(fields.key('disableSystemRoot'), 'leaves no certificate to trust: add a certificate with usage "verify"');
  }
  const clientCas = settings.certificates.some((entry) => entry.usage === 'verifyclient');
  if (settings.verifyClientCertificate === true && !clientCas) {
    throw invalidConfig(fields.key('verifyClientCertificate'), 'needs a certificate with usage "verifyclient": the CA that issues client certificates');
  }
  const withInsecure = pinned && allowInsecureIfPinned ? { ...settings, allowInsecure: true } : settings;
  return dropUndefined(withInsecure);
}

// Xray takes these as one string of comma-separated entries; an empty one is unset.
function commaSeparated(fields: JsonFields, name: string, parse: (text: string, key: string) => readonly string[]): readonly string[] | undefined {
  const text = fields.string(name);
  const entries = text === undefined ? [] : parse(text, fields.key(name));
  return entries.length === 0 ? undefined : entries;
}

function pins(fields: JsonFields, name: string): readonly string[] | undefined {
  return fields.strings(name)?.map((pin, i) => checkPin(pin, `${fields.key(name)}[${i}]`));
}

function parseV4Certificate(fields: JsonFields): CertificateEntry {
  const usage = fields.string('usage') ?? 'encipherment';
  if (usage === 'issue') throw invalidConfig(fields.key('usage'), '"issue" (signing certificates on the fly) is not supported; use "encipherment"');
  if (usage !== 'encipherment' && usage !== 'verify' && usage !== 'verifyclient') {
    throw invalidConfig(fields.key('usage'), `must be "encipherment", "verify" or "verifyclient", got "${usage}"`);
  }
  const entry = certificateEntry(fields, usage, {
    certificateFile: fields.string('certificateFile'),
    keyFile: fields.string('keyFile'),
    certificate: fields.strings('certificate')?.join('\n'),
    key: fields.strings('key')?.join('\n'),
  });
  fields.raw('ocspStapling');
  fields.raw('OneTimeLoading');
  fields.rejectUnread('is not a known key here');
  return entry;
}

/** A certificate entry with its files or PEM checked for presence; shared by the v4 and jsonv5 parsers. */
export function certificateEntry(
  fields: JsonFields,
  usage: CertificateEntry['usage'],
  source: Pick<CertificateEntry, 'certificateFile' | 'keyFile' | 'certificate' | 'key'>,
): CertificateEntry {
  const entry: CertificateEntry = dropUndefined({ usage, ...source, at: fields.prefix });
  if (entry.certificateFile === undefined && entry.certificate === undefined) throw invalidConfig(fields.prefix, 'needs certificateFile or certificate');
  if (usage === 'encipherment' && entry.keyFile === undefined && entry.key === undefined) throw invalidConfig(fields.prefix, 'needs keyFile or key');
  return entry;
}
