import type { Range } from '../../settings/xhttp-settings.js';
import { drawFromRange, paddedReferer } from './padding.js';
import { requestMethod, requestPath, type RequestTarget } from './request-target.js';
import type { XhttpPath } from './xhttp-path.js';

/** One XHTTP request, whatever the HTTP version: the caller turns it into HTTP/2 pseudo-headers or an HTTP/1.1 request. */
export interface XhttpRequestHead {
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  /** Lower-case names, no pseudo-headers. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
}

/** What a client's request headers depend on. */
export interface RequestHeadRules {
  readonly scheme: 'http' | 'https';
  readonly authority: string;
  readonly path: XhttpPath;
  /** The upload method; Xray's `uplinkHTTPMethod`, default POST. */
  readonly uploadMethod: string;
  /** The user's extra headers, lower-case names. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly paddingBytes: Range;
  readonly noGRPCHeader: boolean;
  /** HTTP/1.1: the long requests ask for `Connection: close`. */
  readonly http1: boolean;
}

/**
 * The request Xray's client sends for `target`: the user's headers, then the padding in `Referer` (over
 * any the user set), `Content-Type: application/grpc` on the streaming uploads unless `noGRPCHeader`, and
 * on HTTP/1.1 `Connection: close` on every request but a packet. Go's HTTP/1 server otherwise reads (and
 * swallows) up to 256 KiB of a streaming body before it answers; Xray's client always asks so.
 *
 * @example
 * ```ts
 * xhttpRequestHead({ kind: 'download', sessionId: 'abc' }, rules);
 * // { method: 'GET', path: '/tun/abc', authority: 'tunnel.test', headers: { referer: 'https://tunnel.test/tun/?x_padding=XXX…' } }
 * ```
 */
export function xhttpRequestHead(target: RequestTarget, rules: RequestHeadRules, random: () => number = Math.random): XhttpRequestHead {
  const headers: Record<string, string | readonly string[]> = Object.assign({}, rules.headers);
  headers.referer = paddedReferer(rules.scheme, rules.authority, rules.path.base, drawFromRange(rules.paddingBytes, random));
  const streaming = target.kind === 'stream-one' || target.kind === 'stream-up';
  if (streaming && !rules.noGRPCHeader) headers['content-type'] = 'application/grpc';
  if (rules.http1 && target.kind !== 'packet') headers.connection = 'close';
  return { method: requestMethod(target, rules.uploadMethod), path: requestPath(rules.path, target), authority: rules.authority, headers };
}
