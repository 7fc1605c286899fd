import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import type { TransportSecurity } from '../settings/settings.js';

/** The client TLS settings of a dial. */
type ClientTls = Extract<TransportSecurity, { kind: 'tls' }>;

/**
 * What every client TLS connection of a dial sets from its settings: verification, trusted CAs, versions,
 * ciphers and the client certificate. The caller adds what differs by wire: ALPN, SNI, session tickets.
 * `serverName` is the name the certificate must carry. With Xray's verification Node checks neither
 * chain nor name: its verdict on the chain is kept (`authorized`) for `checkPeer` to decide.
 *
 * @example
 * ```ts
 * tls.connect({ ...clientTlsOptions(security, 'tunnel.test'), socket, ALPNProtocols: ['h2'], servername });
 * ```
 */
export function clientTlsOptions(security: ClientTls, serverName: string): ConnectionOptions {
  const nodeVerifies = !security.allowInsecure && security.xrayVerification === undefined;
  return {
    rejectUnauthorized: nodeVerifies,
    checkServerIdentity: nodeVerifies ? (_host, certificate) => checkServerIdentity(serverName, certificate) : () => undefined,
    ca: security.ca as (string | Buffer)[] | undefined,
    // TLS 1.0 and 1.1 are off unless a config asks for them by name.
    minVersion: security.minVersion ?? 'TLSv1.2',
    maxVersion: security.maxVersion,
    ciphers: security.ciphers,
    cert: security.clientCertificate?.cert,
    key: security.clientCertificate?.key,
  };
}
