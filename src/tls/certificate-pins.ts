import { createHash, X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate } from 'node:tls';

/** Pins a TLS peer must match, as base64 SHA-256 digests (v2fly and Xray spell them so). */
export interface CertificatePins {
  /** v2fly's chained digest over the peer's certificate chain, leaf first (`pinnedPeerCertificateChainSha256`). */
  readonly chain: readonly string[];
  /** Xray's digest of one certificate's SubjectPublicKeyInfo (`pinnedPeerCertificatePublicKeySha256`). */
  readonly publicKey: readonly string[];
}

/**
 * v2fly's chained SHA-256 of a certificate chain (DER, leaf first): `h = sha256(der0)`, then
 * `h = sha256(h ‖ sha256(der_i))`, in base64. What `v2ray tls certChainHash` prints for a PEM file.
 *
 * @example
 * ```ts
 * chainSha256([new X509Certificate(pem).raw]); // a 44-character base64 string
 * ```
 */
export function chainSha256(chain: readonly Buffer[]): string {
  let hash: Buffer | undefined;
  for (const der of chain) {
    const digest = sha256(der);
    hash = hash === undefined ? digest : sha256(Buffer.concat([hash, digest]));
  }
  return (hash ?? Buffer.alloc(0)).toString('base64');
}

/**
 * Xray's public-key pin of one certificate: SHA-256 of its DER SubjectPublicKeyInfo, in base64.
 *
 * @example
 * ```ts
 * publicKeySha256(new X509Certificate(pem).raw); // a 44-character base64 string
 * ```
 */
export function publicKeySha256(der: Buffer): string {
  const spki = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
  return sha256(spki).toString('base64');
}

/**
 * Checks the certificates a peer presented against `pins`; returns why they fail, or undefined.
 * Node completes the presented chain with the trusted root when it has it, so a chain pin matches the
 * chain up to any of its certificates: the leaf alone, or with its intermediates, as Go hashes what
 * the peer sent. A public-key pin matches any certificate of the chain.
 *
 * @example
 * ```ts
 * pinMismatch(socket.getPeerCertificate(true), pins); // undefined when one pin matches
 * ```
 */
export function pinMismatch(peer: DetailedPeerCertificate, pins: CertificatePins): string | undefined {
  const chain = presentedChain(peer);
  if (chain.length === 0) return 'the peer presented no certificate to check the pins against';
  if (pins.chain.length > 0) {
    const prefixes = chain.map((_, i) => chainSha256(chain.slice(0, i + 1)));
    if (!prefixes.some((hash) => pins.chain.includes(hash))) {
      return `the peer's certificate chain (sha256 ${prefixes[0]}${prefixes.length > 1 ? ` … ${prefixes.at(-1)}` : ''}) matches no pinnedPeerCertificateChainSha256`;
    }
  }
  if (pins.publicKey.length > 0) {
    const keys = chain.map(publicKeySha256);
    if (!keys.some((hash) => pins.publicKey.includes(hash))) {
      return `no public key of the peer's certificate chain (leaf sha256 ${keys[0]}) matches pinnedPeerCertificatePublicKeySha256`;
    }
  }
  return undefined;
}

/**
 * The DER certificates of a peer, leaf first, following `issuerCertificate` until a self-signed one:
 * what it sent, completed by Node up to a trusted root when it has one.
 *
 * @example
 * ```ts
 * presentedChain(socket.getPeerCertificate(true)); // [leaf, intermediate, …]
 * ```
 */
export function presentedChain(peer: DetailedPeerCertificate): Buffer[] {
  const chain: Buffer[] = [];
  let current: DetailedPeerCertificate | undefined = peer;
  while (current !== undefined && current.raw !== undefined && !chain.some((der) => der.equals(current!.raw))) {
    chain.push(current.raw);
    current = current.issuerCertificate;
  }
  return chain;
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}
