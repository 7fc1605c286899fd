import type { HostList } from '../config/hosts.js';

/** What the hub does with a request. */
export type RouteDecision =
  | { readonly _tag: 'Accept' }
  | { readonly _tag: 'Reject'; readonly status: 404; readonly reason: 'host' | 'path' }
  | { readonly _tag: 'Reject'; readonly status: 431; readonly reason: 'header-size' };

/** The server side of the host and path rules. `hosts` undefined accepts any Host (v2fly v5, Xray). */
export interface RouteRules {
  readonly hosts: HostList | undefined;
  readonly path: string;
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
  if (rules.hosts !== undefined && (request.authority === undefined || !rules.hosts.includes(request.authority))) {
    return { _tag: 'Reject', status: 404, reason: 'host' };
  }
  if (request.path === undefined || !request.path.startsWith(rules.path)) {
    return { _tag: 'Reject', status: 404, reason: 'path' };
  }
  return ACCEPT;
}
