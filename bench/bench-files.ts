import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../src/tls/self-signed.js';

/** A scratch directory for one bench run, with the certificate and key every chain uses. */
export interface BenchFiles {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Makes a temporary directory named after `prefix` and writes a self-signed certificate for
 * `tunnel.test`, `localhost` and 127.0.0.1 into it.
 *
 * @example
 * ```ts
 * const { dir, certFile, keyFile } = await benchFiles('h2t-soak-');
 * ```
 */
export async function benchFiles(prefix: string): Promise<BenchFiles> {
  const dir = mkdtempSync(join(os.tmpdir(), prefix));
  const { cert, key } = await selfSignedCertificate(['tunnel.test', 'localhost', '127.0.0.1']);
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, cert);
  writeFileSync(keyFile, key);
  return { dir, certFile, keyFile };
}
