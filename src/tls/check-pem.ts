import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { invalidConfig } from '../errors/transport-error.js';

// Node accepts any string as a certificate, key or CA at createSecureServer / connect time: a bad pair
// fails only at the first handshake, and a CA with no certificate in it is silently empty (nothing
// verifies, every handshake fails). Checking at start turns both into an error naming the setting.

const BLOCK = /-----BEGIN (TRUSTED )?CERTIFICATE-----[\s\S]*?-----END \1?CERTIFICATE-----/g;

/**
 * Checks that `pem` holds one or more PEM certificates, as a CA file (`--ca`, `--client-ca`, a `verify`
 * certificate) must; throws an InvalidConfig naming `key` otherwise.
 *
 * @example
 * ```ts
 * checkCertificates(readFileSync('ca.pem', 'utf8'), '--client-ca');
 * ```
 */
export function checkCertificates(pem: string, key: string): void {
  const blocks = pem.match(BLOCK) ?? [];
  if (blocks.length === 0) throw invalidConfig(key, 'is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block in it)');
  blocks.forEach((block, i) => {
    if (block.includes('TRUSTED')) return;
    try {
      new X509Certificate(block);
    } catch (error) {
      throw invalidConfig(key, `is not a PEM certificate (certificate ${i + 1}: ${opensslReason(error)})`);
    }
  });
}

/**
 * Checks that a certificate and key are valid PEM and belong together, as a TLS server would at start;
 * throws an InvalidConfig naming `certKey` or `keyKey`.
 */
export function checkKeyPair(pair: { readonly cert: string | Buffer; readonly key: string | Buffer }, certKey: string, keyKey: string): void {
  try {
    new X509Certificate(pair.cert);
  } catch (error) {
    throw invalidConfig(certKey, `is not a PEM certificate (${opensslReason(error)})`);
  }
  try {
    createPrivateKey(pair.key);
  } catch (error) {
    throw invalidConfig(keyKey, `is not a PEM private key (${opensslReason(error)})`);
  }
  try {
    createSecureContext({ cert: pair.cert, key: pair.key });
  } catch (error) {
    const reason = opensslReason(error);
    throw invalidConfig(
      keyKey,
      /key values mismatch/i.test(reason) ? `does not match the certificate in ${certKey}` : `cannot be used with the certificate (${reason})`,
    );
  }
}

// OpenSSL's reason only ("DECODER routines::unsupported"): never echo the PEM itself.
function opensslReason(error: unknown): string {
  return (error as Error).message.replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/, '');
}
