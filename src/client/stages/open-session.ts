import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Observable } from 'rxjs';
import type { HostPort } from '../../settings/address.js';
import { formatHostPort } from '../../settings/address.js';
import type { TransportSecurity } from '../../settings/settings.js';
import { alpnMismatch, sessionClosed, timeout, tlsVerifyFailed, type TransportError } from '../../errors/transport-error.js';
import { localSettings, MAX_SESSION_MEMORY_MB, widenSessionWindow } from '../../session/flow-control.js';
import { fromNodeError } from '../../errors/node-errors.js';
import { pinMismatch } from '../../tls/certificate-pins.js';

const settingsArrived = new WeakSet<http2.Http2Session>();

/** Whether the peer's first SETTINGS frame has arrived on a session {@link openSession} opened. */
export function peerSettingsArrived(session: http2.Http2Session): boolean {
  return settingsArrived.has(session);
}

/** Options for opening one HTTP/2 session. */
export interface OpenSessionOptions {
  readonly security: TransportSecurity;
  readonly connectTimeoutMs: number;
  /** A TLS session ticket from an earlier session to the same identity, to resume. */
  readonly ticket?: Buffer;
  /** Called with each ticket the server issues on this session. */
  readonly onTicket?: (ticket: Buffer) => void;
}

/**
 * Opens one HTTP/2 session: TCP connect → TLS handshake with SNI → certificate and host-name check
 * (unless `allowInsecure`) → ALPN must be `h2` → HTTP/2 preface. Cold; unsubscribing before it emits
 * destroys the socket. Errors are {@link TransportError}s.
 *
 * @example
 * ```ts
 * openSession({ host: '127.0.0.1', port: 8443 }, { security: { kind: 'h2c' }, connectTimeoutMs: 5000 })
 *   .subscribe((session) => session.close());
 * ```
 */
export function openSession(destination: HostPort, options: OpenSessionOptions): Observable<http2.ClientHttp2Session> {
  return new Observable((subscriber) => {
    const address = formatHostPort(destination);
    let socket: net.Socket | undefined;
    let session: http2.ClientHttp2Session | undefined;
    let handedOff = false;
    const fail = (error: TransportError) => {
      cleanup();
      subscriber.error(error);
    };
    // With TLS 1.3 a server judges our client certificate after our handshake is done: its refusal
    // arrives as an alert or a reset in place of its SETTINGS, so a session that presents one is handed
    // over only once the SETTINGS prove the certificate was accepted (one round trip, mutual TLS only).
    const presentsCertificate = options.security.kind === 'tls' && options.security.clientCertificate !== undefined;
    let handshakeDone = false;
    const refusedCertificate = (cause: TransportError): TransportError =>
      presentsCertificate && handshakeDone && cause._tag !== 'TlsVerifyFailed' && cause._tag !== 'Timeout'
        ? tlsVerifyFailed('the server closed the connection after the TLS handshake: it refused our client certificate', cause)
        : cause;
    const onError = (error: unknown) => fail(refusedCertificate(fromNodeError(error, address)));
    const timer = setTimeout(() => fail(timeout(`connecting to ${address}`, options.connectTimeoutMs)), options.connectTimeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      if (handedOff) return;
      session?.destroy();
      socket?.destroy();
    };

    const startHttp2 = (transport: net.Socket) => {
      transport.off('error', onError);
      session = http2.connect(`${options.security.kind === 'tls' ? 'https' : 'http'}://${address}`, {
        createConnection: () => transport,
        settings: localSettings(),
        maxSessionMemory: MAX_SESSION_MEMORY_MB,
        // Go's client assumes 100 until the peer's SETTINGS say otherwise; so do we.
        peerMaxConcurrentStreams: 100,
      });
      session.once('error', onError);
      // A peer that hangs up before the HTTP/2 preface completes closes the session without an error;
      // without this the dial would hang until the connect timeout.
      session.once('close', () => {
        if (!handedOff) fail(refusedCertificate(sessionClosed('connection closed during the HTTP/2 handshake')));
      });
      // Handed over once connected, without waiting for the peer's SETTINGS: the first request leaves in
      // the same flight as our preface, a round trip sooner on every cold start (v2ray's Go client does
      // the same). Until they arrive the session manager admits one stream, or the last session's limit.
      const handOff = () => {
        if (session === undefined || handedOff) return;
        session.off('error', onError);
        clearTimeout(timer);
        widenSessionWindow(session);
        handedOff = true;
        subscriber.next(session);
        subscriber.complete();
      };
      session.once('remoteSettings', () => {
        settingsArrived.add(session as http2.ClientHttp2Session);
        if (presentsCertificate) handOff();
      });
      session.once('connect', () => {
        if (!presentsCertificate) handOff();
      });
    };

    const tcp = net.connect({ host: destination.host, port: destination.port, noDelay: true });
    socket = tcp;
    tcp.once('error', onError);
    tcp.once('connect', () => {
      const security = options.security;
      if (security.kind === 'h2c') return startHttp2(tcp);
      const serverName = security.serverName ?? destination.host;
      const secure = tls.connect({
        socket: tcp,
        host: serverName,
        // SNI cannot carry an IP literal; verification still checks it against the IP SANs.
        servername: net.isIP(serverName) === 0 ? serverName : undefined,
        // Exactly v2ray's ClientHello offer: h2 alone. Offering http/1.1 too would let a server that
        // prefers it pick it, failing a dial that v2ray would complete.
        ALPNProtocols: ['h2'],
        rejectUnauthorized: !security.allowInsecure,
        ca: security.ca as (string | Buffer)[] | undefined,
        minVersion: security.minVersion ?? 'TLSv1.2',
        maxVersion: security.maxVersion,
        ciphers: security.ciphers,
        cert: security.clientCertificate?.cert,
        key: security.clientCertificate?.key,
        session: options.ticket,
      });
      socket = secure;
      if (options.onTicket !== undefined) secure.on('session', options.onTicket);
      secure.once('error', onError);
      secure.once('secureConnect', () => {
        if (secure.alpnProtocol !== 'h2') return fail(alpnMismatch(secure.alpnProtocol ?? false));
        // A resumed session was pinned when its ticket was issued: tickets are kept per TLS identity, pins included.
        const mismatch = security.pins === undefined || secure.isSessionReused() ? undefined : pinMismatch(secure.getPeerCertificate(true), security.pins);
        if (mismatch !== undefined) return fail(tlsVerifyFailed(mismatch));
        handshakeDone = true;
        startHttp2(secure);
      });
    });
    return cleanup;
  });
}
