import { X509Certificate } from 'node:crypto';
import type * as http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { ServerTlsSettings } from './server-options.js';

/**
 * The TLS part of a tunnel server's options: ALPN h2 only, TLS 1.2 at least unless told, and, when the
 * settings name client CAs, a handshake that fails for any client without a certificate they issued
 * (v2fly's `verifyClientCertificate`), so such a client never reaches the hub or the forward target.
 *
 * @example
 * ```ts
 * http2.createSecureServer({ ...serverOptions, ...secureServerOptions({ cert, key, clientCa: [caPem] }, 10_000) });
 * ```
 */
export function secureServerOptions(tls: ServerTlsSettings, handshakeTimeoutMs: number): http2.SecureServerOptions {
  const clientCa = tls.clientCa === undefined ? undefined : Array.isArray(tls.clientCa) ? tls.clientCa : [tls.clientCa];
  return {
    cert: tls.cert,
    key: tls.key,
    ALPNProtocols: ['h2'],
    minVersion: tls.minVersion ?? 'TLSv1.2',
    ...(tls.maxVersion === undefined ? {} : { maxVersion: tls.maxVersion }),
    ...(tls.ciphers === undefined ? {} : { ciphers: tls.ciphers }),
    ...(clientCa === undefined ? {} : { ca: clientCa as (string | Buffer)[], requestCert: true, rejectUnauthorized: true }),
    ...(tls.rejectUnknownSni === true ? { SNICallback: sniGuard(tls.cert) } : {}),
    handshakeTimeout: handshakeTimeoutMs,
  };
}

/**
 * Xray's `rejectUnknownSni` for a client that sends no SNI at all, which `SNICallback` never sees: its
 * connection is cut once the handshake is done, before it can send a request.
 */
export function guardMissingSni(server: http2.Http2SecureServer, tls: ServerTlsSettings): void {
  if (tls.rejectUnknownSni !== true) return;
  server.on('secureConnection', (socket: TLSSocket) => {
    if (typeof (socket as TLSSocket & { servername?: unknown }).servername !== 'string') socket.destroy();
  });
}

// Fails the handshake of a client asking for a name the certificate does not carry.
function sniGuard(cert: string | Buffer): (servername: string, callback: (error: Error | null) => void) => void {
  const certificate = new X509Certificate(cert);
  return (servername, callback) => {
    if (certificate.checkHost(servername) !== undefined) callback(null);
    else callback(new Error(`unknown SNI "${servername}"`));
  };
}
