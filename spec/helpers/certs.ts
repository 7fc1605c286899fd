import { selfSignedCertificate, type CertificatePair } from '../../src/tls/self-signed.js';

let cached: Promise<CertificatePair> | undefined;

/** One throwaway certificate for `tunnel.test` and 127.0.0.1, shared by the whole run (generation is slow). */
export function testCertificate(): Promise<CertificatePair> {
  cached ??= selfSignedCertificate(['tunnel.test', 'localhost', '127.0.0.1']);
  return cached;
}
