import type { ConnectionOptions } from 'node:tls';
import type { TransportSecurity } from '../settings/settings.js';

/** The client TLS settings of a dial. */
type ClientTls = Extract<TransportSecurity, { kind: 'tls' }>;

/**
 * What every client TLS connection of a dial sets from its settings: verification, trusted CAs, versions,
 * ciphers and the client certificate. The caller adds what differs by wire: ALPN, SNI, session tickets.
 *
 * @example
 * ```ts
 * tls.connect({ ...clientTlsOptions(security), socket, ALPNProtocols: ['h2'], servername });
 * ```
 */
export function clientTlsOptions(security: ClientTls): ConnectionOptions {
  return {
    rejectUnauthorized: !security.allowInsecure,
    ca: security.ca as (string | Buffer)[] | undefined,
    // TLS 1.0 and 1.1 are off unless a config asks for them by name.
    minVersion: security.minVersion ?? 'TLSv1.2',
    maxVersion: security.maxVersion,
    ciphers: security.ciphers,
    cert: security.clientCertificate?.cert,
    key: security.clientCertificate?.key,
  };
}
