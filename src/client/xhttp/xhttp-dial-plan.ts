import * as E from 'fp-ts/lib/Either.js';
import { isInvalidConfig } from '../../errors/error-guards.js';
import { invalidConfig, type InvalidConfig, type TlsRequired } from '../../errors/transport-error.js';
import type { RequestHeadRules } from '../../protocol/xhttp/request-headers.js';
import { normalizeXhttpPath } from '../../protocol/xhttp/xhttp-path.js';
import type { HostPort } from '../../settings/address.js';
import { pickHost } from '../../settings/hosts.js';
import { resolveDialSettings } from '../../settings/resolve-dial-settings.js';
import { resolveXhttpSettings } from '../../settings/resolve-xhttp-settings.js';
import { keepAliveCheck } from '../../settings/resolve-xmux.js';
import type { DialSettings, ResolvedDialSettings } from '../../settings/settings.js';
import type { ResolvedXhttpSettings, XhttpDialMode } from '../../settings/xhttp-settings.js';

/** How an XHTTP dial reaches the server: HTTP/2 on the session pool (TLS or h2c), or HTTP/1.1 (TLS or cleartext). */
export type XhttpWire = { readonly version: '2' } | { readonly version: '1.1'; readonly tls: boolean };

/** Everything one XHTTP dial needs, validated. */
export interface XhttpDialPlan {
  /** The dial settings the pool and TLS use; for cleartext HTTP/1.1 its security says `h2c`, meaning "no TLS". */
  readonly dial: ResolvedDialSettings;
  readonly xhttp: ResolvedXhttpSettings;
  /** `auto` resolved as Xray's client resolves it without REALITY: packet-up. */
  readonly mode: XhttpDialMode;
  readonly wire: XhttpWire;
  /** The request rules of one tunnel but its authority, which is drawn per tunnel. */
  readonly head: Omit<RequestHeadRules, 'authority'>;
  /** The Host of each tunnel. */
  pickAuthority(): string;
}

/**
 * Resolves a dial that has `xhttp` settings. HTTP/2 over TLS unless `xhttp.httpVersion` is `'1.1'`; with
 * `h2c` HTTP/2 in cleartext; with neither, cleartext HTTP/1.1, as Xray's client does without TLS. The Host
 * is a pick from `host` when one is configured, else the TLS server name, else the destination's host
 * (Xray's order), never with a port. The upload method is `method`, default POST.
 *
 * @example
 * ```ts
 * resolveXhttpDial({ host: '127.0.0.1', port: 8080 }, { path: '/tun', xhttp: {} }); // right({ mode: 'packet-up', wire: { version: '1.1', tls: false }, … })
 * ```
 */
export function resolveXhttpDial(target: HostPort, settings: DialSettings): E.Either<InvalidConfig | TlsRequired, XhttpDialPlan> {
  try {
    return resolvePlan(target, settings);
  } catch (error) {
    // Settings come from JavaScript callers too: anything unforeseen is still a typed config error.
    return E.left(isInvalidConfig(error) ? error : invalidConfig('', `invalid settings: ${(error as Error).message}`));
  }
}

function resolvePlan(target: HostPort, settings: DialSettings): E.Either<InvalidConfig | TlsRequired, XhttpDialPlan> {
  const xhttp = resolveXhttpSettings(settings.xhttp ?? {});
  if (E.isLeft(xhttp)) return xhttp;
  const version = xhttp.right.httpVersion;
  const cleartext = settings.tls === undefined && settings.h2c !== true;
  if (cleartext && version === '2')
    return E.left(invalidConfig('xhttp.httpVersion', "HTTP/2 without TLS needs h2c: true (Xray's client speaks HTTP/1.1 in cleartext)"));
  if (settings.h2c === true && version === '1.1') return E.left(invalidConfig('xhttp.httpVersion', 'h2c is HTTP/2; leave h2c out for cleartext HTTP/1.1'));
  if (typeof settings.method === 'string' && settings.method.toUpperCase() === 'GET') {
    return E.left(invalidConfig('method', 'an XHTTP upload by GET needs the data in headers, which is not supported'));
  }
  // For cleartext HTTP/1.1 the pool is not used; `h2c` only says "no TLS" to the shared resolver.
  const dial = resolveDialSettings(cleartext ? { ...settings, h2c: true } : settings);
  if (E.isLeft(dial)) return dial;
  // XMUX: the pool's reuse limits, and the keep-alive PINGs of HTTP/2 sessions (Xray's 45 s by default).
  const xmux = xhttp.right.xmux;
  const keepAlive = {
    key: 'xhttp.xmux.keepAlivePeriodMs',
    given: settings.xhttp?.xmux?.keepAlivePeriodMs !== undefined,
    periodMs: xmux.keepAlivePeriodMs,
    byDefault: true,
  };
  const resolved: ResolvedDialSettings = { ...dial.right, reuse: xmux, healthCheck: keepAliveCheck(dial.right.healthCheck, settings, keepAlive) };
  const wire: XhttpWire = cleartext ? { version: '1.1', tls: false } : version === '1.1' ? { version: '1.1', tls: true } : { version: '2' };
  const configuredHosts = Array.isArray(settings.host) && settings.host.length > 0;
  const serverName = resolved.security.kind === 'tls' ? resolved.security.serverName : undefined;
  return E.right({
    dial: resolved,
    xhttp: xhttp.right,
    mode: xhttp.right.mode === 'auto' ? 'packet-up' : xhttp.right.mode,
    wire,
    head: {
      scheme: resolved.security.kind === 'tls' ? 'https' : 'http',
      path: normalizeXhttpPath(settings.path ?? ''),
      uploadMethod: settings.method === undefined ? 'POST' : resolved.method,
      headers: resolved.headers,
      paddingBytes: xhttp.right.paddingBytes,
      noGRPCHeader: xhttp.right.noGRPCHeader,
      http1: wire.version === '1.1',
    },
    pickAuthority: () => (configuredHosts ? pickHost(resolved.hosts) : (serverName ?? target.host)),
  });
}
