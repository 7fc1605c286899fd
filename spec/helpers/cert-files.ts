import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificatePair } from '../../src/tls/self-signed.js';

/** Paths of a certificate and key written to disk, for programs that read PEM files (v2ray, caddy). */
export interface CertificateFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Writes `pair` as `cert.pem` and `key.pem` (mode 0600) into `dir`.
 *
 * @example
 * ```ts
 * const files = await writeCertificateFiles(dir.path, await testCertificate());
 * ```
 */
export async function writeCertificateFiles(dir: string, pair: CertificatePair): Promise<CertificateFiles> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await writeFile(certFile, pair.cert, { mode: 0o600 });
  await writeFile(keyFile, pair.key, { mode: 0o600 });
  return { certFile, keyFile };
}
