import type { SecureVersion } from 'node:tls';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { invalidConfig } from '../errors/transport-error.js';

// Rules for the TLS keys of v2fly/Xray configs that have a Node equivalent. Each throws an InvalidConfig
// naming the key; the parsers turn that into a Left.

// Go's names (crypto/tls, as Xray's `cipherSuites` takes them) → OpenSSL's. TLS 1.3 suites share their
// names; Go does not let them be configured, and Node keeps its default 1.3 suites when none are listed.
const GO_TO_OPENSSL: Readonly<Record<string, string>> = {
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_RSA_WITH_RC4_128_SHA: 'RC4-SHA',
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: 'ECDHE-ECDSA-RC4-SHA',
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: 'ECDHE-RSA-RC4-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_AES_128_GCM_SHA256: 'TLS_AES_128_GCM_SHA256',
  TLS_AES_256_GCM_SHA384: 'TLS_AES_256_GCM_SHA384',
  TLS_CHACHA20_POLY1305_SHA256: 'TLS_CHACHA20_POLY1305_SHA256',
};

/**
 * Xray's `cipherSuites` (Go names, colon-separated) as Node's `ciphers` string. A name Go does not know,
 * or one this OpenSSL build cannot do (RC4, 3DES), is an error naming it.
 *
 * @example
 * ```ts
 * cipherSuites('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'tlsSettings.cipherSuites'); // 'ECDHE-ECDSA-AES128-GCM-SHA256'
 * ```
 */
export function cipherSuites(text: string, key: string): string | undefined {
  const names = text
    .split(':')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) return undefined;
  const mapped = names.map((name) => {
    const openssl = GO_TO_OPENSSL[name];
    if (openssl === undefined) throw invalidConfig(key, `"${name}" is not a cipher suite Go knows (e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)`);
    try {
      createSecureContext({ ciphers: openssl });
    } catch {
      throw invalidConfig(key, `"${name}" is not available in this TLS library (${openssl})`);
    }
    return openssl;
  });
  return mapped.join(':');
}

/** Node's TLS versions, oldest first: what `minVersion` / `maxVersion` take in the library's options. */
export const SECURE_VERSIONS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Whether `value` is one of Node's TLS version names. */
export function isSecureVersion(value: unknown): value is SecureVersion {
  return SECURE_VERSIONS.includes(value as SecureVersion);
}

const VERSIONS: Readonly<Record<string, SecureVersion>> = {
  '1.0': 'TLSv1',
  '1.1': 'TLSv1.1',
  '1.2': 'TLSv1.2',
  '1.3': 'TLSv1.3',
  TLS1_0: 'TLSv1',
  TLS1_1: 'TLSv1.1',
  TLS1_2: 'TLSv1.2',
  TLS1_3: 'TLSv1.3',
};

/**
 * A TLS version as Xray (`"1.2"`) or v2fly's jsonv5 (`"TLS1_2"`) spells it, as Node's name; empty or
 * `Default` is undefined (the library's default).
 *
 * @example
 * ```ts
 * tlsVersion('1.3', 'tlsSettings.minVersion'); // 'TLSv1.3'
 * ```
 */
export function tlsVersion(value: string | undefined, key: string): SecureVersion | undefined {
  if (value === undefined || value === '' || value === 'Default') return undefined;
  const version = VERSIONS[value];
  if (version === undefined) throw invalidConfig(key, `must be one of "1.0", "1.1", "1.2", "1.3" (or TLS1_0 … TLS1_3), got "${value}"`);
  return version;
}

/** Checks that a minimum and maximum version leave something to negotiate. */
export function checkVersionRange(min: SecureVersion | undefined, max: SecureVersion | undefined, key: string): void {
  if (min !== undefined && max !== undefined && SECURE_VERSIONS.indexOf(min) > SECURE_VERSIONS.indexOf(max)) {
    throw invalidConfig(key, `maxVersion ${max} is below minVersion ${min}`);
  }
}

/**
 * The `alpn` list of a config: the http transport always negotiates `h2` (as v2ray's dialer and hub
 * force it), so the list is only checked to allow it.
 *
 * @example
 * ```ts
 * checkAlpn(['h2', 'http/1.1'], 'tlsSettings.alpn'); // ok
 * checkAlpn(['http/1.1'], 'tlsSettings.alpn');       // throws InvalidConfig
 * ```
 */
export function checkAlpn(alpn: readonly string[] | undefined, key: string): void {
  if (alpn === undefined || alpn.length === 0) return;
  if (!alpn.includes('h2')) throw invalidConfig(key, `must contain "h2": the http transport runs only over HTTP/2, got ${JSON.stringify(alpn)}`);
}

/**
 * A base64 SHA-256 pin as configs carry them; anything that does not decode to 32 bytes is an error.
 *
 * @example
 * ```ts
 * checkPin('kqHyvea27Pn+JiSqA72lhu9IKAKeGR+3yCyA8JR1mug=', 'tlsSettings.pinnedPeerCertificateChainSha256[0]');
 * ```
 */
export function checkPin(pin: string, key: string): string {
  const bytes = Buffer.from(pin, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== pin.replace(/\s/g, '')) {
    throw invalidConfig(key, `must be the base64 of a SHA-256 digest (44 characters), got "${pin.length > 50 ? `${pin.slice(0, 50)}…` : pin}"`);
  }
  return bytes.toString('base64');
}

/**
 * An Xray certificate pin (`pinnedPeerCertSha256`): the hex SHA-256 of a certificate's DER, in any case,
 * colons allowed (OpenSSL's fingerprint form), as lower-case hex without them. Anything else is an
 * error naming `key`.
 *
 * @example
 * ```ts
 * checkCertSha256('5A:63:F3:…', 'tls.pinnedPeerCertSha256[0]'); // '5a63f3…'
 * ```
 */
export function checkCertSha256(pin: string, key: string): string {
  const hex = pin.trim().replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw invalidConfig(
      key,
      `must be the hex SHA-256 of a certificate (64 hex digits, colons allowed), got "${pin.length > 70 ? `${pin.slice(0, 70)}…` : pin}"`,
    );
  }
  return hex;
}

/**
 * Xray's `pinnedPeerCertSha256` string: pins separated by commas, blanks around them and empty entries
 * skipped, as Xray reads it.
 *
 * @example
 * ```ts
 * certSha256List('5a63…, 0b2f…', 'tlsSettings.pinnedPeerCertSha256'); // ['5a63…', '0b2f…']
 * ```
 */
export function certSha256List(text: string, key: string): readonly string[] {
  return commaList(text).map((pin) => checkCertSha256(pin, key));
}

/**
 * A name the server's certificate must be valid for (`verifyPeerCertByName`): a host name or IP
 * literal, without blanks, slashes or a port.
 *
 * @example
 * ```ts
 * checkVerifyName('tunnel.example', 'tls.verifyPeerCertByName[0]'); // 'tunnel.example'
 * ```
 */
export function checkVerifyName(name: string, key: string): string {
  if (!/^[^\s/:@?#]+$/.test(name) && isIP(name) === 0) throw invalidConfig(key, `"${name}" is not a host name`);
  return name;
}

/**
 * Xray's `verifyPeerCertByName` string: names separated by commas, as Xray reads it.
 *
 * @example
 * ```ts
 * verifyNameList('a.example, b.example', 'tlsSettings.verifyPeerCertByName'); // ['a.example', 'b.example']
 * ```
 */
export function verifyNameList(text: string, key: string): readonly string[] {
  return commaList(text).map((name) => checkVerifyName(name, key));
}

function commaList(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
