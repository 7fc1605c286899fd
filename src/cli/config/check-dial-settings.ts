import type * as E from 'fp-ts/lib/Either.js';
import { resolveXhttpDial } from '../../client/xhttp/xhttp-dial-plan.js';
import type { InvalidConfig, TlsRequired } from '../../errors/transport-error.js';
import type { HostPort } from '../../settings/address.js';
import { resolveDialSettings } from '../../settings/resolve-dial-settings.js';
import type { DialSettings } from '../../settings/settings.js';

/**
 * Validates a client's settings as its first dial will, so a bad value stops the start instead of failing
 * every tunnel later: the PUT tunnel's rules (TLS unless h2c), or XHTTP's (cleartext HTTP/1.1 allowed).
 *
 * @example
 * ```ts
 * checkDialSettings({ host: '127.0.0.1', port: 443 }, { path: '/tun/', xhttp: {} }); // right(plan)
 * checkDialSettings({ host: '127.0.0.1', port: 443 }, { path: '/tun' });              // left(TlsRequired)
 * ```
 */
export function checkDialSettings(server: HostPort, settings: DialSettings): E.Either<InvalidConfig | TlsRequired, unknown> {
  return settings.xhttp === undefined ? resolveDialSettings(settings) : resolveXhttpDial(server, settings);
}
