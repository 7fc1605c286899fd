import { createHash, X509Certificate } from 'node:crypto';
import { checkServerIdentity, type DetailedPeerCertificate } from 'node:tls';
import { presentedChain } from './certificate-pins.js';

/**
 * Xray's verification of a server (`pinnedPeerCertSha256`, `verifyPeerCertByName`), which replaces the
 * usual one: Node's chain and name checks are off, and {@link xrayVerificationFailure} decides.
 */
export interface XrayVerification {
  /**
   * Hex SHA-256 digests of a certificate's DER, lower case, without colons. The leaf's identifies the
   * server by itself; a CA certificate's of the chain becomes the only CA trusted. Empty: the usual CAs.
   */
  readonly certSha256: readonly string[];
  /** Names the leaf must be valid for, one of them, in place of the server name; undefined: the server name. */
  readonly names: readonly string[] | undefined;
}

/**
 * Why the server's certificates fail Xray's verification (transport/internet/tls/config.go at v26.7.28),
 * or undefined. A pin on the leaf accepts the server with no other check (no CA, name or dates). A pin
 * on a CA certificate of the chain makes that CA the only one trusted; the chain must verify up to it.
 * No pin matching fails. Without a pin the chain must be trusted (`chainError` is Node's verdict,
 * undefined when trusted). Then the leaf must be valid for one of `names`, or the server name.
 *
 * @example
 * ```ts
 * xrayVerificationFailure(socket.getPeerCertificate(true), socket.authorizationError, verification, 'tunnel.test');
 * ```
 */
export function xrayVerificationFailure(
  peer: DetailedPeerCertificate,
  chainError: string | undefined,
  verification: XrayVerification,
  serverName: string,
): string | undefined {
  const chain = presentedChain(peer);
  if (chain.length === 0) return 'the peer presented no certificate';
  if (verification.certSha256.length > 0) {
    const hashes = chain.map((der) => createHash('sha256').update(der).digest('hex'));
    if (verification.certSha256.includes(hashes[0] as string)) return undefined;
    const caIndex = hashes.findIndex((hash, i) => i > 0 && verification.certSha256.includes(hash) && new X509Certificate(chain[i] as Buffer).ca);
    if (caIndex < 0) return `the peer's certificate (sha256 ${hashes[0]}) matches no pinnedPeerCertSha256, nor does a CA of its chain`;
    const broken = chainBreak(chain.slice(0, caIndex + 1));
    if (broken !== undefined) return `the peer's chain does not verify to the pinned CA (sha256 ${hashes[caIndex]}): ${broken}`;
  } else if (chainError !== undefined) {
    return `the peer's certificate chain is not trusted (${chainError})`;
  }
  const names = verification.names ?? [serverName];
  const refusals = names.map((name) => checkServerIdentity(name, peer));
  if (refusals.some((refusal) => refusal === undefined)) return undefined;
  const key = verification.names === undefined ? 'serverName' : 'verifyPeerCertByName';
  return `the peer's certificate is valid for none of ${key} ${names.join(', ')}: ${refusals[0]?.message ?? ''}`;
}

/** Why `chain` (leaf first, ending with the trusted CA) does not hold: a signature, a non-CA issuer, a date. */
function chainBreak(chain: readonly Buffer[]): string | undefined {
  const certs = chain.map((der) => new X509Certificate(der));
  const now = Date.now();
  for (const [i, cert] of certs.entries()) {
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) return `"${cert.subject}" is not valid now (${cert.validFrom} to ${cert.validTo})`;
    const issuer = certs[i + 1];
    if (issuer === undefined) break;
    if (!issuer.ca) return `"${issuer.subject}" issues "${cert.subject}" but is no CA`;
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) return `"${cert.subject}" is not signed by "${issuer.subject}"`;
  }
  return undefined;
}
