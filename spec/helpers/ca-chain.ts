import { generate } from 'selfsigned';
import type { CertificatePair } from '../../src/tls/self-signed.js';

/** A test CA and a server certificate it issued. */
export interface CaChain {
  /** The CA's certificate (PEM). */
  readonly ca: string;
  /** The server's certificate and key; `cert` is the leaf followed by the CA, as a server sends its chain. */
  readonly server: CertificatePair;
  /** The leaf alone (PEM). */
  readonly leaf: string;
}

/**
 * A throwaway CA (EC P-256) and a server certificate for `names` signed by it, for tests of pins on a CA
 * of the chain and of name checks.
 *
 * @example
 * ```ts
 * const chain = await caChain(['tunnel.test', '127.0.0.1']);
 * await listen({ listen: '127.0.0.1:0', tls: chain.server });
 * ```
 */
export async function caChain(names: readonly string[]): Promise<CaChain> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 30 * 86_400_000);
  const common = { keyType: 'ec' as const, curve: 'P-256' as const, algorithm: 'sha256', notBeforeDate, notAfterDate };
  const ca = await generate([{ name: 'commonName', value: 'h2tunnel test CA' }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((name) => (/^[\d.]+$/.test(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name })) },
    ],
  });
  return { ca: ca.cert, leaf: leaf.cert, server: { cert: `${leaf.cert.trim()}\n${ca.cert.trim()}\n`, key: leaf.private } };
}
