import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Observable, type Subscriber } from 'rxjs';
import type { HostPort } from '../../settings/address.js';
import { formatHostPort } from '../../settings/address.js';
import type { TransportSecurity } from '../../settings/settings.js';
import { alpnMismatch, sessionClosed, timeout, tlsVerifyFailed, type TransportError } from '../../errors/transport-error.js';
import { localSettings, MAX_SESSION_MEMORY_MB, widenSessionWindow } from '../../session/flow-control.js';
import { fromNodeError } from '../../errors/node-errors.js';
import { checkPeer } from '../../tls/check-peer.js';
import { clientTlsOptions } from '../../tls/client-tls-options.js';

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
    const opening = new SessionOpening(destination, options, subscriber);
    opening.connect();
    return () => opening.unsubscribed();
  });
}

/** Where one session opening stands; each step owns the socket it has so far. */
type OpeningState =
  | { readonly kind: 'connecting'; readonly socket: net.Socket }
  | { readonly kind: 'handshaking'; readonly socket: tls.TLSSocket }
  /** The HTTP/2 preface is out; waiting for the session to connect (or, with a client certificate, for the SETTINGS). */
  | { readonly kind: 'starting'; readonly socket: net.Socket; readonly session: http2.ClientHttp2Session }
  | { readonly kind: 'handed-off' }
  | { readonly kind: 'failed' };

class SessionOpening {
  private state: OpeningState | undefined;
  private readonly address: string;
  private readonly timer: NodeJS.Timeout;
  // With TLS 1.3 a server judges our client certificate after our handshake is done: its refusal
  // arrives as an alert or a reset in place of its SETTINGS, so a session that presents one is handed
  // over only once the SETTINGS prove the certificate was accepted (one round trip, mutual TLS only).
  private readonly presentsCertificate: boolean;

  constructor(
    private readonly destination: HostPort,
    private readonly options: OpenSessionOptions,
    private readonly subscriber: Subscriber<http2.ClientHttp2Session>,
  ) {
    this.address = formatHostPort(destination);
    this.presentsCertificate = options.security.kind === 'tls' && options.security.clientCertificate !== undefined;
    this.timer = setTimeout(() => this.fail(timeout(`connecting to ${this.address}`, options.connectTimeoutMs)), options.connectTimeoutMs);
  }

  connect(): void {
    const tcp = net.connect({ host: this.destination.host, port: this.destination.port, noDelay: true });
    this.state = { kind: 'connecting', socket: tcp };
    tcp.once('error', this.onError);
    tcp.once('connect', () => {
      const security = this.options.security;
      if (security.kind === 'h2c') this.startHttp2(tcp);
      else this.handshake(tcp, security);
    });
  }

  /** The teardown: an opening not yet handed over leaves no session or socket behind. */
  unsubscribed(): void {
    clearTimeout(this.timer);
    this.release();
  }

  private handshake(tcp: net.Socket, security: Extract<TransportSecurity, { kind: 'tls' }>): void {
    const serverName = security.serverName ?? this.destination.host;
    const secure = tls.connect({
      socket: tcp,
      host: serverName,
      // SNI cannot carry an IP literal; verification still checks it against the IP SANs.
      servername: net.isIP(serverName) === 0 ? serverName : undefined,
      // Exactly v2ray's ClientHello offer: h2 alone. Offering http/1.1 too would let a server that
      // prefers it pick it, failing a dial that v2ray would complete.
      ALPNProtocols: ['h2'],
      ...clientTlsOptions(security, serverName),
      session: this.options.ticket,
    });
    this.state = { kind: 'handshaking', socket: secure };
    if (this.options.onTicket !== undefined) secure.on('session', this.options.onTicket);
    secure.once('error', this.onError);
    secure.once('secureConnect', () => {
      if (secure.alpnProtocol !== 'h2') return this.fail(alpnMismatch(secure.alpnProtocol ?? false));
      const failure = checkPeer(secure, security, serverName);
      if (failure !== undefined) return this.fail(tlsVerifyFailed(failure));
      this.startHttp2(secure);
    });
  }

  private startHttp2(transport: net.Socket): void {
    transport.off('error', this.onError);
    const session = http2.connect(`${this.options.security.kind === 'tls' ? 'https' : 'http'}://${this.address}`, {
      createConnection: () => transport,
      settings: localSettings(),
      maxSessionMemory: MAX_SESSION_MEMORY_MB,
      // Go's client assumes 100 until the peer's SETTINGS say otherwise; so do we.
      peerMaxConcurrentStreams: 100,
    });
    this.state = { kind: 'starting', socket: transport, session };
    session.once('error', this.onError);
    // A peer that hangs up before the HTTP/2 preface completes closes the session without an error;
    // without this the dial would hang until the connect timeout.
    session.once('close', () => this.fail(this.refusedCertificate(sessionClosed('connection closed during the HTTP/2 handshake'))));
    // Handed over once connected, without waiting for the peer's SETTINGS: the first request leaves in
    // the same flight as our preface, a round trip sooner on every cold start (v2ray's Go client does
    // the same). Until they arrive the session manager admits one stream, or the last session's limit.
    session.once('remoteSettings', () => {
      settingsArrived.add(session);
      if (this.presentsCertificate) this.handOff(session);
    });
    session.once('connect', () => {
      if (!this.presentsCertificate) this.handOff(session);
    });
  }

  private handOff(session: http2.ClientHttp2Session): void {
    if (this.state?.kind !== 'starting') return;
    session.off('error', this.onError);
    clearTimeout(this.timer);
    widenSessionWindow(session);
    this.state = { kind: 'handed-off' };
    this.subscriber.next(session);
    this.subscriber.complete();
  }

  private readonly onError = (error: unknown) => this.fail(this.refusedCertificate(fromNodeError(error, this.address)));

  private fail(error: TransportError): void {
    if (this.state?.kind === 'handed-off' || this.state?.kind === 'failed') return;
    clearTimeout(this.timer);
    this.release();
    this.state = { kind: 'failed' };
    this.subscriber.error(error);
  }

  private release(): void {
    const state = this.state;
    if (state === undefined || state.kind === 'handed-off' || state.kind === 'failed') return;
    if (state.kind === 'starting') state.session.destroy();
    state.socket.destroy();
  }

  /** Once the TLS handshake is done, a mutual-TLS session that closes was refused for its certificate. */
  private refusedCertificate(cause: TransportError): TransportError {
    return this.presentsCertificate && this.state?.kind === 'starting' && cause._tag !== 'TlsVerifyFailed' && cause._tag !== 'Timeout'
      ? tlsVerifyFailed('the server closed the connection after the TLS handshake: it refused our client certificate', cause)
      : cause;
  }
}
