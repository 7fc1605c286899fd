import type { HostList } from '../settings/hosts.js';

/** What the hub does with a request. */
export type RouteDecision =
  | { readonly _tag: 'Accept' }
  | { readonly _tag: 'Reject'; readonly status: 404; readonly reason: 'host' | 'path' }
  | { readonly _tag: 'Reject'; readonly status: 431; readonly reason: 'header-size' };

/**
 * How a request's Host is compared with the configured names: `exact`, v2ray 4.x's byte-for-byte rule, or
 * `xray`, Xray's (case-insensitive, a port in the Host ignored), for deployments moving over from Xray.
 */
export type HostMatch = 'exact' | 'xray';

/** The server side of the host and path rules. `hosts` undefined accepts any Host (v2fly v5, Xray). */
export interface RouteRules {
  readonly hosts: HostList | undefined;
  readonly path: string;
  /** Default `exact`. */
  readonly hostMatch?: HostMatch;
}

const ACCEPT: RouteDecision = { _tag: 'Accept' };

/**
 * v2ray's hub rule: 404 unless the Host is exactly one of the configured names and the path starts
 * with the configured (normalized) path.
 *
 * @example
 * ```ts
 * routeRequest({ authority: 'tunnel.test', path: '/tun/x' }, { hosts: ['tunnel.test'], path: '/tun' }); // Accept
 * routeRequest({ authority: 'other.test', path: '/tun' }, { hosts: ['tunnel.test'], path: '/tun' });   // Reject host
 * ```
 */
export function routeRequest(request: { readonly authority: string | undefined; readonly path: string | undefined }, rules: RouteRules): RouteDecision {
  if (rules.hosts !== undefined && (request.authority === undefined || !hostAccepted(request.authority, rules.hosts, rules.hostMatch ?? 'exact'))) {
    return { _tag: 'Reject', status: 404, reason: 'host' };
  }
  if (request.path === undefined || !request.path.startsWith(rules.path)) {
    return { _tag: 'Reject', status: 404, reason: 'path' };
  }
  return ACCEPT;
}

/**
 * Whether `authority` names one of `hosts` under `match`.
 *
 * @example
 * ```ts
 * hostAccepted('Tunnel.Test:443', ['tunnel.test'], 'exact'); // false
 * hostAccepted('Tunnel.Test:443', ['tunnel.test'], 'xray');  // true
 * ```
 */
export function hostAccepted(authority: string, hosts: HostList, match: HostMatch): boolean {
  if (match === 'exact') return hosts.includes(authority);
  const name = withoutPort(authority).toLowerCase();
  return hosts.some((host) => host.toLowerCase() === name);
}

// `host:port`, `[v6]:port` or a bare name; a bare IPv6 literal has colons and no port.
function withoutPort(authority: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(authority);
  if (bracketed !== null) return bracketed[1] ?? '';
  const colon = authority.lastIndexOf(':');
  return colon >= 0 && authority.indexOf(':') === colon ? authority.slice(0, colon) : authority;
}
