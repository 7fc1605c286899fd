/**
 * Guards for the {@link TransportError} union: one per tag, and `isTag` for any of them.
 *
 * @example
 * ```ts
 * if (isUnexpectedStatus(e)) console.log(e.status);
 * ```
 */
import type { TransportError, TransportErrorTag } from './transport-error.js';

const TAGS: ReadonlySet<string> = new Set<TransportErrorTag>([
  'TlsRequired',
  'ConnectFailed',
  'TlsVerifyFailed',
  'AlpnMismatch',
  'UnexpectedStatus',
  'SessionClosed',
  'StreamReset',
  'Timeout',
  'InvalidConfig',
  'ProtocolError',
  'SocketFailed',
  'ListenFailed',
  'UsageError',
  'Overflow',
]);

/** True for any {@link TransportError}. */
export const isTransportError = (u: unknown): u is TransportError => u instanceof Error && TAGS.has((u as { _tag?: unknown })._tag as string);

/** A guard for one variant: `isTag('UnexpectedStatus')(e)` narrows `e`. */
export const isTag =
  <T extends TransportErrorTag>(tag: T) =>
  (u: unknown): u is Extract<TransportError, { _tag: T }> =>
    isTransportError(u) && u._tag === tag;

/**
 * True for dialing without TLS settings.
 *
 * @example
 * ```ts
 * dialEither(dest, {}).subscribe(E.mapLeft((e) => isTlsRequired(e) && console.warn(e.message)));
 * ```
 */
export const isTlsRequired = isTag('TlsRequired');
/**
 * True for the TCP connection could not be made.
 *
 * @example
 * ```ts
 * if (isConnectFailed(e)) console.log('cannot reach', e.address);
 * ```
 */
export const isConnectFailed = isTag('ConnectFailed');
/**
 * True for a certificate or host-name check failed.
 *
 * @example
 * ```ts
 * if (isTlsVerifyFailed(e)) console.error('check --ca / --server-name:', e.message);
 * ```
 */
export const isTlsVerifyFailed = isTag('TlsVerifyFailed');
/**
 * True for the peer does not speak h2.
 *
 * @example
 * ```ts
 * if (isAlpnMismatch(e)) console.error('not an HTTP/2 server, negotiated', e.protocol);
 * ```
 */
export const isAlpnMismatch = isTag('AlpnMismatch');
/**
 * True for the tunnel request got a status other than 200.
 *
 * @example
 * ```ts
 * if (isUnexpectedStatus(e) && e.status === 404) console.warn('wrong host or path');
 * ```
 */
export const isUnexpectedStatus = isTag('UnexpectedStatus');
/**
 * True for the HTTP/2 session went away under a tunnel.
 *
 * @example
 * ```ts
 * dial(dest, settings).pipe(retry({ count: 3, delay: (e) => (isSessionClosed(e) ? timer(100) : throwError(() => e)) }));
 * ```
 */
export const isSessionClosed = isTag('SessionClosed');
/**
 * True for the tunnel's stream was reset.
 *
 * @example
 * ```ts
 * if (isStreamReset(e)) console.log('reset with code', e.rstCode);
 * ```
 */
export const isStreamReset = isTag('StreamReset');
/**
 * True for a phase took longer than its deadline.
 *
 * @example
 * ```ts
 * if (isTimeout(e)) console.log(e.phase, 'took over', e.ms, 'ms');
 * ```
 */
export const isTimeout = isTag('Timeout');
/**
 * True for configuration that does not parse or validate.
 *
 * @example
 * ```ts
 * if (isInvalidConfig(e)) console.error(`bad setting ${e.key}: ${e.message}`);
 * ```
 */
export const isInvalidConfig = isTag('InvalidConfig');
/**
 * True for the TCP connection a tunnel was bridged to failed (the local application's, or the forward target's).
 *
 * @example
 * ```ts
 * if (isSocketFailed(e)) console.log('the other side of', e.address, 'went away');
 * ```
 */
export const isSocketFailed = isTag('SocketFailed');
/**
 * True for a protocol-level failure of a session or stream.
 *
 * @example
 * ```ts
 * if (isProtocolError(e)) console.warn('the peer broke HTTP/2:', e.message);
 * ```
 */
export const isProtocolError = isTag('ProtocolError');
/**
 * True for a server that could not bind its address.
 *
 * @example
 * ```ts
 * listen(options).catch((e) => isListenFailed(e) && console.error(`${e.address} is taken`));
 * ```
 */
export const isListenFailed = isTag('ListenFailed');
/**
 * True for the API used in a way that cannot work (a write after `end()`, a second `connections` subscriber).
 *
 * @example
 * ```ts
 * await conn.write(chunk).catch((e) => assert(!isUsageError(e), 'a bug: writing after end()'));
 * ```
 */
export const isUsageError = isTag('UsageError');
/**
 * True for a push source that outran the tunnel's bound.
 *
 * @example
 * ```ts
 * if (isOverflow(e)) console.warn(`feed the tunnel through write(): more than ${e.limit} bytes queued`);
 * ```
 */
export const isOverflow = isTag('Overflow');
