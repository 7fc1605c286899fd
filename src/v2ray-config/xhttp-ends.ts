import type { ListenOptions } from '../server/server-options.js';
import type { DialSettings } from '../settings/settings.js';

// What Xray's XHTTP JSON leaves to each end, made explicit for the library (whose defaults are v2ray's).

/**
 * An XHTTP client's Host when `xhttpSettings.host` is empty: the TLS `serverName`, else the destination's
 * address, as Xray's dialer picks it (never v2ray's `www.example.com`). Other settings come back unchanged.
 *
 * @example
 * ```ts
 * xhttpClientHost({ xhttp: {}, tls: { serverName: 't.test' } }, '192.0.2.1'); // { xhttp: {}, tls: { serverName: 't.test' }, host: ['t.test'] }
 * xhttpClientHost({ xhttp: {} }, 'tunnel.example'); // { xhttp: {}, host: ['tunnel.example'] }
 * ```
 */
export function xhttpClientHost(settings: DialSettings, destinationHost: string): DialSettings {
  if (settings.xhttp === undefined || (settings.host !== undefined && settings.host.length > 0)) return settings;
  return { ...settings, host: [settings.tls?.serverName ?? destinationHost] };
}

/**
 * How an XHTTP server from Xray's JSON compares Hosts: Xray's rule (any case, a port ignored) unless the
 * caller chose one; v2ray-shape servers keep the exact rule.
 *
 * @example
 * ```ts
 * xhttpHostMatch({ xhttp: {} }); // 'xray'
 * xhttpHostMatch({});            // undefined (the library's default, exact)
 * ```
 */
export function xhttpHostMatch(options: Pick<ListenOptions, 'xhttp' | 'hostMatch'>): ListenOptions['hostMatch'] {
  return options.hostMatch ?? (options.xhttp === undefined ? undefined : 'xray');
}
