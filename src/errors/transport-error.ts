/**
 * Transport errors: a tagged union, each variant with a `severity` (as v2ray's `AtWarning()` /
 * `AtError()`), a stable `code` to branch on, and an optional `cause`.
 *
 * They are real `Error`s (stack, `instanceof Error`) so they travel through RxJS error channels and
 * Node streams unchanged, yet narrow by `_tag` like fp-ts values.
 *
 * @example
 * ```ts
 * import { isTransportError } from 'h2tunnel';
 * dial(dest, settings).subscribe({ error: (e) => isTransportError(e) && console.log(e.code, e.severity) });
 * ```
 */

// model

/** How loud a failure is, mirroring v2ray's log severities. */
export type Severity = 'debug' | 'info' | 'warning' | 'error';

interface Base<Tag extends string, Code extends string> extends Error {
  readonly _tag: Tag;
  readonly code: Code;
  readonly severity: Severity;
  readonly cause?: unknown;
}

/** Dialing with no TLS settings: v2ray refuses ("TLS must be enabled for http transport."). */
export type TlsRequired = Base<'TlsRequired', 'H2T_ERR_TLS_REQUIRED'>;
/** The TCP connection could not be made. */
export interface ConnectFailed extends Base<'ConnectFailed', 'H2T_ERR_CONNECT'> {
  readonly address: string;
}
/** The certificate chain or the host name did not verify. */
export type TlsVerifyFailed = Base<'TlsVerifyFailed', 'H2T_ERR_TLS_VERIFY'>;
/** The peer negotiated something other than `h2`. */
export interface AlpnMismatch extends Base<'AlpnMismatch', 'H2T_ERR_ALPN'> {
  readonly protocol: string | false;
}
/** The tunnel request was answered with a status other than 200. */
export interface UnexpectedStatus extends Base<'UnexpectedStatus', 'H2T_ERR_STATUS'> {
  readonly status: number;
}
/** The HTTP/2 session went away (closed, GOAWAY, failed health check) under an open tunnel. */
export type SessionClosed = Base<'SessionClosed', 'H2T_ERR_SESSION_CLOSED'>;
/** The peer (or the local side) reset the tunnel's stream. */
export interface StreamReset extends Base<'StreamReset', 'H2T_ERR_STREAM_RESET'> {
  readonly rstCode: number;
}
/** Something took longer than its deadline. */
export interface Timeout extends Base<'Timeout', 'H2T_ERR_TIMEOUT'> {
  readonly phase: string;
  readonly ms: number;
}
/** Configuration that does not parse or validate; `key` names the offending setting. */
export interface InvalidConfig extends Base<'InvalidConfig', 'H2T_ERR_CONFIG'> {
  readonly key: string;
}
/** A protocol-level failure of the session or stream not covered above. */
export type ProtocolError = Base<'ProtocolError', 'H2T_ERR_PROTOCOL'>;
/**
 * The plain TCP connection a tunnel is bridged to failed after it was made: the application's local
 * connection on a client, the forward target's on a server. Names that side, so a log never blames the
 * tunnel for it.
 */
export interface SocketFailed extends Base<'SocketFailed', 'H2T_ERR_SOCKET'> {
  readonly address: string;
}
/** A server could not bind its address. */
export interface ListenFailed extends Base<'ListenFailed', 'H2T_ERR_LISTEN'> {
  readonly address: string;
}
/**
 * The API was used in a way that cannot work: a write after `end()` or `close()`, a second subscriber to
 * a server's `connections`. A programming error, severity `error`: retrying it cannot help.
 */
export type UsageError = Base<'UsageError', 'H2T_ERR_USAGE'>;
/**
 * A push source (`input`, `send(observable)`) wrote more than `limit` bytes beyond what the tunnel had
 * taken: an Observable cannot be told to slow down, so the tunnel fails rather than grow without bound.
 * Feed such producers through `write()`, `send(asyncIterable)` or `toDuplex()`, which wait for the tunnel.
 */
export interface Overflow extends Base<'Overflow', 'H2T_ERR_OVERFLOW'> {
  readonly limit: number;
}

/** Every error h2tunnel reports. */
export type TransportError =
  | TlsRequired
  | ConnectFailed
  | TlsVerifyFailed
  | AlpnMismatch
  | UnexpectedStatus
  | SessionClosed
  | StreamReset
  | Timeout
  | InvalidConfig
  | ProtocolError
  | SocketFailed
  | ListenFailed
  | UsageError
  | Overflow;

/** The `_tag`s of {@link TransportError}. */
export type TransportErrorTag = TransportError['_tag'];

// constructors

function make<E extends TransportError>(fields: Omit<E, keyof Error | 'cause'> & { readonly message: string; readonly cause?: unknown }): E {
  const { message, cause, ...rest } = fields;
  const error = new Error(message, cause === undefined ? undefined : { cause });
  error.name = `TransportError(${rest._tag})`;
  return Object.assign(error, rest) as unknown as E;
}

/** "TLS must be enabled for http transport." — severity warning, as v2ray. */
export const tlsRequired = (): TlsRequired =>
  make<TlsRequired>({
    _tag: 'TlsRequired',
    code: 'H2T_ERR_TLS_REQUIRED',
    severity: 'warning',
    message: 'TLS must be enabled for http transport.',
  });

export const connectFailed = (address: string, cause?: unknown): ConnectFailed =>
  make<ConnectFailed>({
    _tag: 'ConnectFailed',
    code: 'H2T_ERR_CONNECT',
    severity: 'warning',
    address,
    message: `failed to dial ${address}${causeText(cause)}`,
    cause,
  });

export const tlsVerifyFailed = (detail: string, cause?: unknown): TlsVerifyFailed =>
  make<TlsVerifyFailed>({
    _tag: 'TlsVerifyFailed',
    code: 'H2T_ERR_TLS_VERIFY',
    severity: 'error',
    message: `TLS verification failed: ${detail}`,
    cause,
  });

export const alpnMismatch = (protocol: string | false): AlpnMismatch =>
  make<AlpnMismatch>({
    _tag: 'AlpnMismatch',
    code: 'H2T_ERR_ALPN',
    severity: 'error',
    protocol,
    message: `unexpected ALPN protocol ${protocol === false ? '(none)' : protocol}; want h2`,
  });

export const unexpectedStatus = (status: number): UnexpectedStatus =>
  make<UnexpectedStatus>({
    _tag: 'UnexpectedStatus',
    code: 'H2T_ERR_STATUS',
    severity: 'warning',
    status,
    message: `unexpected status ${status}`,
  });

export const sessionClosed = (detail: string, cause?: unknown): SessionClosed =>
  make<SessionClosed>({
    _tag: 'SessionClosed',
    code: 'H2T_ERR_SESSION_CLOSED',
    severity: 'warning',
    message: `session closed: ${detail}${causeText(cause)}`,
    cause,
  });

export const streamReset = (rstCode: number, detail = 'stream reset', cause?: unknown): StreamReset =>
  make<StreamReset>({
    _tag: 'StreamReset',
    code: 'H2T_ERR_STREAM_RESET',
    severity: 'info',
    rstCode,
    message: `${detail} (RST_STREAM code ${rstCode})${causeText(cause)}`,
    cause,
  });

/** A deadline passed; `ms` is NaN when the deadline was not ours (an rxjs `timeout` operator's). */
export const timeout = (phase: string, ms: number): Timeout =>
  make<Timeout>({
    _tag: 'Timeout',
    code: 'H2T_ERR_TIMEOUT',
    severity: 'warning',
    phase,
    ms,
    message: Number.isNaN(ms) ? `${phase} timed out` : `${phase} timed out after ${ms} ms`,
  });

export const invalidConfig = (key: string, detail: string): InvalidConfig =>
  make<InvalidConfig>({
    _tag: 'InvalidConfig',
    code: 'H2T_ERR_CONFIG',
    severity: 'error',
    key,
    message: key === '' ? detail : `${key}: ${detail}`,
  });

/** The part of an InvalidConfig's message after its key: to name the same problem under another key. */
export const configDetail = (error: InvalidConfig): string =>
  error.key !== '' && error.message.startsWith(`${error.key}: `) ? error.message.slice(error.key.length + 2) : error.message;

/** The same InvalidConfig with `where` (a file, or files) in front of its key: `config.json: inbounds[0]: …`. */
export const configErrorIn = (where: string, error: InvalidConfig): InvalidConfig =>
  invalidConfig(error.key === '' ? where : `${where}: ${error.key}`, configDetail(error));

export const protocolError = (detail: string, cause?: unknown): ProtocolError =>
  make<ProtocolError>({
    _tag: 'ProtocolError',
    code: 'H2T_ERR_PROTOCOL',
    severity: 'warning',
    message: `${detail}${causeText(cause)}`,
    cause,
  });

export const socketFailed = (address: string, cause?: unknown): SocketFailed =>
  make<SocketFailed>({
    _tag: 'SocketFailed',
    code: 'H2T_ERR_SOCKET',
    severity: 'warning',
    address,
    message: `the connection to ${address} failed${causeText(cause)}`,
    cause,
  });

export const listenFailed = (address: string, cause?: unknown): ListenFailed =>
  make<ListenFailed>({
    _tag: 'ListenFailed',
    code: 'H2T_ERR_LISTEN',
    severity: 'error',
    address,
    message: `cannot listen on ${address}${listenReason(cause)}`,
    cause,
  });

export const usageError = (detail: string): UsageError => make<UsageError>({ _tag: 'UsageError', code: 'H2T_ERR_USAGE', severity: 'error', message: detail });

export const overflow = (limit: number): Overflow =>
  make<Overflow>({
    _tag: 'Overflow',
    code: 'H2T_ERR_OVERFLOW',
    severity: 'error',
    limit,
    message: `a push source wrote more than ${limit} bytes the tunnel had not taken yet; use write(), send(asyncIterable) or toDuplex() for a producer faster than the tunnel`,
  });

// helpers

function causeText(cause: unknown): string {
  if (cause === undefined) return '';
  if (cause instanceof Error) return `: ${cause.message}`;
  if (typeof cause === 'string' || typeof cause === 'number' || typeof cause === 'boolean') return `: ${cause}`;
  return `: ${Object.prototype.toString.call(cause)}`;
}

function listenReason(cause: unknown): string {
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (code === 'EADDRINUSE') return ': address already in use';
  if (code === 'EACCES') return ': permission denied';
  return causeText(cause);
}
