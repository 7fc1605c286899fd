import { isIP } from 'node:net';
import { generate } from 'selfsigned';

/** A certificate and its private key, PEM. */
export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

/**
 * A throwaway self-signed certificate (EC P-256, SHA-256) for `names` (DNS names or IP literals), valid
 * for `days`, for `purposes` (a server's by default; `clientAuth` for a client certificate of mutual TLS).
 * For tests, demos and quick starts: clients trust it by passing `cert` as their CA.
 *
 * @example
 * ```ts
 * const { cert, key } = await selfSignedCertificate(['tunnel.test', '127.0.0.1']);
 * ```
 */
export async function selfSignedCertificate(
  names: readonly string[],
  days = 30,
  purposes: readonly ('serverAuth' | 'clientAuth')[] = ['serverAuth'],
): Promise<CertificatePair> {
  const [first] = names;
  if (first === undefined) throw new TypeError('selfSignedCertificate needs at least one name');
  const notBeforeDate = new Date(Date.now() - 60_000);
  const result = await generate([{ name: 'commonName', value: first }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + days * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: purposes.includes('serverAuth'), clientAuth: purposes.includes('clientAuth') },
      { name: 'subjectAltName', altNames: names.map((name) => (isIP(name) !== 0 ? { type: 7 as const, ip: name } : { type: 2 as const, value: name })) },
    ],
  });
  return { cert: result.cert, key: result.private };
}
