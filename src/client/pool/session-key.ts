import { createHash } from 'node:crypto';
import { formatHostPort, type HostPort } from '../../settings/address.js';
import type { TransportSecurity } from '../../settings/settings.js';

/**
 * The session cache key: destination **and** TLS identity. v2ray keys by destination alone, so two
 * configs with different server names or trust roots could share a session wrongly; we never do.
 *
 * @example
 * ```ts
 * sessionKey({ host: 'a.test', port: 443 }, { kind: 'h2c' }); // 'a.test:443 h2c'
 * ```
 */
export function sessionKey(destination: HostPort, security: TransportSecurity): string {
  const address = formatHostPort(destination);
  if (security.kind === 'h2c') return `${address} h2c`;
  const ca = security.ca === undefined ? 'system' : trustDigest(security.ca);
  const base = `${address} tls sni=${security.serverName ?? ''} insecure=${security.allowInsecure} ca=${ca}`;
  return hasExtras(security) ? `${base} ${extras(security)}` : base;
}

type TlsSecurity = Extract<TransportSecurity, { kind: 'tls' }>;

// Rare settings, out of the common path: a dial with none of them pays one check.
function hasExtras(security: TlsSecurity): boolean {
  return (
    security.pins !== undefined ||
    security.xrayVerification !== undefined ||
    security.clientCertificate !== undefined ||
    security.minVersion !== undefined ||
    security.maxVersion !== undefined ||
    security.ciphers !== undefined
  );
}

function extras(security: TlsSecurity): string {
  const pins = security.pins === undefined ? '' : sha256([...security.pins.chain, '|', ...security.pins.publicKey].join(','));
  const xray = security.xrayVerification;
  const verified = xray === undefined ? '' : sha256([...xray.certSha256, '|', ...(xray.names ?? [])].join(','));
  const cert = security.clientCertificate === undefined ? '' : certificateDigest(security.clientCertificate.cert);
  return `pins=${pins} xray=${verified} cert=${cert} versions=${security.minVersion ?? ''}-${security.maxVersion ?? ''} ciphers=${security.ciphers ?? ''}`;
}

function trustDigest(ca: readonly (string | Buffer)[]): string {
  const digests = ca.map(certificateDigest);
  return digests.length === 1 ? (digests[0] as string) : sha256(digests.join('\n'));
}

// Every dial asks for the key, almost always with the same CA objects: hashing a PEM each time was
// a tenth of the library's own CPU per tunnel. Buffers are remembered weakly; strings by value, a
// bounded number of them.
const bufferDigests = new WeakMap<Buffer, string>();
const stringDigests = new Map<string, string>();
const MAX_STRING_DIGESTS = 64;

function certificateDigest(pem: string | Buffer): string {
  if (typeof pem !== 'string') {
    let digest = bufferDigests.get(pem);
    if (digest === undefined) bufferDigests.set(pem, (digest = sha256(pem.toString())));
    return digest;
  }
  let digest = stringDigests.get(pem);
  if (digest === undefined) {
    if (stringDigests.size >= MAX_STRING_DIGESTS) stringDigests.clear();
    stringDigests.set(pem, (digest = sha256(pem)));
  }
  return digest;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
