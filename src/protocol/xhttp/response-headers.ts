import type { Range } from '../../settings/xhttp-settings.js';
import { drawFromRange, paddingOf } from './padding.js';

/** Lower-case response headers, without `:status`. */
export type ResponseHeaders = Readonly<Record<string, string>>;

/** What a server's response headers depend on. */
export interface ResponseHeadRules {
  readonly paddingBytes: Range;
  readonly noSSEHeader: boolean;
}

/**
 * The headers every XHTTP answer but a 404 carries: CORS (the request's `Origin` echoed, else `*`) and
 * `X-Padding`, as Xray's server.
 *
 * @example
 * ```ts
 * commonHeaders(undefined, { from: 3, to: 3 }); // { 'access-control-allow-origin': '*', 'x-padding': 'XXX' }
 * ```
 */
export function commonHeaders(origin: string | undefined, paddingBytes: Range, random: () => number = Math.random): Record<string, string> {
  return { 'access-control-allow-origin': origin ?? '*', 'x-padding': paddingOf(drawFromRange(paddingBytes, random)) };
}

/**
 * A download's answer (a session's GET, or stream-one): no buffering by proxies (nginx's
 * `X-Accel-Buffering`), no caching, and the SSE content type unless `noSSEHeader`, so CDNs stream it.
 *
 * @example
 * ```ts
 * downloadHeaders(undefined, rules); // { …, 'x-accel-buffering': 'no', 'cache-control': 'no-store', 'content-type': 'text/event-stream' }
 * ```
 */
export function downloadHeaders(origin: string | undefined, rules: ResponseHeadRules, random?: () => number): ResponseHeaders {
  const headers = Object.assign(commonHeaders(origin, rules.paddingBytes, random), { 'x-accel-buffering': 'no', 'cache-control': 'no-store' });
  if (!rules.noSSEHeader) headers['content-type'] = 'text/event-stream';
  return headers;
}

/** A stream-up upload's answer: unbuffered and uncached; its body is keep-alive padding only. */
export function streamUpHeaders(origin: string | undefined, rules: ResponseHeadRules, random?: () => number): ResponseHeaders {
  return Object.assign(commonHeaders(origin, rules.paddingBytes, random), { 'x-accel-buffering': 'no', 'cache-control': 'no-store' });
}

/** The answer to a CORS preflight (OPTIONS), which Xray gives before any padding check. */
export function preflightHeaders(
  origin: string | undefined,
  requestMethod: string | undefined,
  requestHeaders: string | undefined,
  paddingBytes: Range,
  random?: () => number,
): ResponseHeaders {
  return Object.assign(commonHeaders(origin, paddingBytes, random), {
    'access-control-allow-methods': requestMethod ?? '*',
    'access-control-allow-headers': requestHeaders ?? '*',
  });
}
