import { createHash } from 'node:crypto';
import { formatHostPort, type HostPort } from '../config/address.js';
import type { TransportSecurity } from '../config/settings.js';

/**
 * The session cache key: destination **and** TLS identity. v2ray keys by destination alone, so two
 * configs with different server names or trust roots could share a session wrongly; we never do.
 *
 * @example
 * ```ts
 * sessionKey({ host: 'a.test', port: 443 }, { kind: 'h2c' }); // 'a.test:443 h2c'
 * ```
 */
export function sessionKey(destination: HostPort, security: TransportSecurity): string {
  const address = formatHostPort(destination);
  if (security.kind === 'h2c') return `${address} h2c`;
  const ca = security.ca === undefined ? 'system' : createHash('sha256').update(security.ca.map(String).join('\n')).digest('hex').slice(0, 16);
  return `${address} tls sni=${security.serverName ?? ''} insecure=${security.allowInsecure} ca=${ca}`;
}
