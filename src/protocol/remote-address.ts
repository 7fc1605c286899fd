/**
 * The tunnel's remote address: the first `X-Forwarded-For` entry when a proxy set one (v2ray's hub
 * does the same), otherwise the peer socket's address.
 *
 * @example
 * ```ts
 * remoteAddress('203.0.113.7, 10.0.0.1', '127.0.0.1'); // '203.0.113.7'
 * remoteAddress(undefined, '127.0.0.1');               // '127.0.0.1'
 * ```
 */
export function remoteAddress(forwardedFor: string | readonly string[] | undefined, socketAddress: string | undefined): string | undefined {
  // Node gives a repeated header as a list; v2ray reads the first.
  const header: string | undefined = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor?.[0];
  const first = header?.split(',')[0]?.trim();
  return first !== undefined && first !== '' ? first : socketAddress;
}
