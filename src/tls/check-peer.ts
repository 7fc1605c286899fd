import type { TLSSocket } from 'node:tls';
import type { TransportSecurity } from '../settings/settings.js';
import { pinMismatch } from './certificate-pins.js';
import { xrayVerificationFailure } from './xray-verification.js';

type ClientTls = Extract<TransportSecurity, { kind: 'tls' }>;

/**
 * Whether a client's connections need {@link checkPeer} once their handshake is done: pins, or Xray's
 * verification in place of Node's.
 *
 * @example
 * ```ts
 * if (needsPeerCheck(security)) socket.once('secureConnect', () => checkPeer(socket, security, name));
 * ```
 */
export function needsPeerCheck(security: ClientTls): boolean {
  return security.pins !== undefined || security.xrayVerification !== undefined;
}

/**
 * What Node's handshake does not check of the server: the pins (on top of the chain check), and Xray's
 * verification (in place of it). Returns why the server fails, or undefined. A resumed session was
 * checked when its ticket was issued: tickets are kept per TLS identity, which includes all of these.
 *
 * @example
 * ```ts
 * const failure = checkPeer(secure, security, serverName);
 * if (failure !== undefined) secure.destroy(tlsVerifyFailed(failure));
 * ```
 */
export function checkPeer(secure: TLSSocket, security: ClientTls, serverName: string): string | undefined {
  if (!needsPeerCheck(security) || secure.isSessionReused()) return undefined;
  const peer = secure.getPeerCertificate(true);
  const mismatch = security.pins === undefined ? undefined : pinMismatch(peer, security.pins);
  if (mismatch !== undefined || security.xrayVerification === undefined) return mismatch;
  const chainError = secure.authorized ? undefined : String(secure.authorizationError);
  return xrayVerificationFailure(peer, chainError, security.xrayVerification, serverName);
}
