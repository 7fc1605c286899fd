import { isIP } from 'node:net';
import { describeValue } from '../settings/describe-value.js';

/**
 * Whose `X-Forwarded-For` the server believes: nobody's (the default, as v2fly since 5.49), any peer's
 * (v2ray 4.x), or only that of the listed proxy addresses.
 */
export type ForwardedForTrust = { readonly kind: 'none' } | { readonly kind: 'any' } | { readonly kind: 'proxies'; readonly addresses: readonly string[] };

export const TRUST_NOBODY: ForwardedForTrust = { kind: 'none' };

/**
 * The tunnel's remote address: the first `X-Forwarded-For` entry when the peer is trusted to set one
 * (v2ray's hub reads the first too), otherwise the peer socket's address. A direct client that is not
 * trusted cannot write another address into the server's logs and events.
 *
 * @example
 * ```ts
 * remoteAddress('203.0.113.7, 10.0.0.1', '127.0.0.1', { kind: 'any' }); // '203.0.113.7'
 * remoteAddress('203.0.113.7', '198.51.100.9', TRUST_NOBODY);             // '198.51.100.9'
 * remoteAddress('203.0.113.7', '::ffff:10.0.0.2', { kind: 'proxies', addresses: ['10.0.0.2'] }); // '203.0.113.7'
 * ```
 */
export function remoteAddress(
  forwardedFor: string | readonly string[] | undefined,
  socketAddress: string | undefined,
  trust: ForwardedForTrust,
): string | undefined {
  if (!trusts(trust, socketAddress)) return socketAddress;
  // Node gives a repeated header as a list; v2ray reads the first.
  const header: string | undefined = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor?.[0];
  const first = header?.split(',')[0]?.trim();
  return first !== undefined && first !== '' ? first : socketAddress;
}

/**
 * Reads the `trustForwardedFor` option: `true` trusts any peer, a list trusts those proxy addresses (IP
 * literals). Returns an error message naming the bad entry, or the rule.
 *
 * @example
 * ```ts
 * forwardedForTrust(['10.0.0.2', '::1']); // { kind: 'proxies', addresses: ['10.0.0.2', '::1'] }
 * forwardedForTrust(['proxy.lan']);       // 'trustForwardedFor[0]: "proxy.lan" is not an IP address'
 * ```
 */
export function forwardedForTrust(option: boolean | readonly string[] | undefined): ForwardedForTrust | string {
  if (option === undefined || option === false) return TRUST_NOBODY;
  if (option === true) return { kind: 'any' };
  if (!Array.isArray(option)) return `trustForwardedFor: must be true, false or a list of proxy IP addresses`;
  const addresses: string[] = [];
  for (const [index, entry] of option.entries()) {
    if (typeof entry !== 'string' || isIP(entry.trim()) === 0) return `trustForwardedFor[${index}]: ${describeValue(entry)} is not an IP address`;
    addresses.push(normalize(entry.trim()));
  }
  return addresses.length === 0 ? TRUST_NOBODY : { kind: 'proxies', addresses };
}

function trusts(trust: ForwardedForTrust, socketAddress: string | undefined): boolean {
  if (trust.kind !== 'proxies') return trust.kind === 'any';
  return socketAddress !== undefined && trust.addresses.includes(normalize(socketAddress));
}

// A dual-stack listener reports an IPv4 peer as ::ffff:a.b.c.d.
function normalize(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}
