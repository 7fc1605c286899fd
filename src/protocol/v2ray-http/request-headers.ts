import type { OutgoingHttpHeaders } from 'node:http2';
import { pickHost } from '../../settings/hosts.js';
import type { ResolvedDialSettings } from '../../settings/settings.js';

/**
 * The request headers of one tunnel, as v2ray's dialer sends them: the method (PUT), a random
 * `:authority` from the host list, the normalized path, `accept-encoding: identity` (so no proxy
 * compresses the byte stream), then any configured extra headers. No content-length: the body streams.
 *
 * @example
 * ```ts
 * tunnelRequestHeaders(settings); // { ':method': 'PUT', ':authority': 'tunnel.test', ':path': '/tun', … }
 * ```
 */
export function tunnelRequestHeaders(
  settings: Pick<ResolvedDialSettings, 'hosts' | 'path' | 'method' | 'headers' | 'security'>,
  random: () => number = Math.random,
): OutgoingHttpHeaders {
  // Object.assign, not a spread followed by more keys: V8 builds that ~20x slower, on every tunnel.
  return Object.assign({}, settings.headers as OutgoingHttpHeaders, {
    ':method': settings.method,
    ':scheme': settings.security.kind === 'tls' ? 'https' : 'http',
    ':authority': pickHost(settings.hosts, random),
    ':path': settings.path,
    'accept-encoding': 'identity',
  });
}
