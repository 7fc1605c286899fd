import type { TransportSecurity } from '../../src/settings/settings.js';

type TlsSecurity = Extract<TransportSecurity, { kind: 'tls' }>;

/**
 * A resolved TLS identity with every field at its default (server name `tunnel.test` unless overridden),
 * for specs that compare or key one.
 *
 * @example
 * ```ts
 * assert.deepEqual(resolved.security, tlsSecurity({ serverName: undefined }));
 * ```
 */
export function tlsSecurity(overrides: Partial<TlsSecurity> = {}): TlsSecurity {
  return {
    kind: 'tls',
    serverName: 'tunnel.test',
    allowInsecure: false,
    ca: undefined,
    resume: true,
    pins: undefined,
    xrayVerification: undefined,
    clientCertificate: undefined,
    minVersion: undefined,
    maxVersion: undefined,
    ciphers: undefined,
    ...overrides,
  };
}
