import * as E from 'fp-ts/lib/Either.js';
import type { InvalidConfig, TlsRequired } from '../errors/transport-error.js';
import { resolveDialSettings } from './resolve-dial-settings.js';
import type { DialSettings, ResolvedDialSettings } from './settings.js';

// A library caller hands `dial` the same settings object for every tunnel, and checking it again took
// ~20 µs of each tunnel's CPU on loopback (the fp-ts steps, the pins, the renamed-key checks). Settings
// are readonly, so the result is remembered per object, for as long as the object lives; only good
// ones: bad settings are reported afresh, each dial with its own error.
const resolved = new WeakMap<DialSettings, ResolvedDialSettings>();

/**
 * {@link resolveDialSettings}, remembered per settings object: the same object resolves once, however
 * many tunnels are dialed with it. A changed setting is a new object (they are readonly), resolved anew.
 *
 * @example
 * ```ts
 * const settings = { host: ['tunnel.test'], path: '/tun', tls: {} };
 * rememberedDialSettings(settings); // right({ path: '/tun', … }), checked once
 * rememberedDialSettings(settings); // the same resolved object, not checked again
 * ```
 */
export function rememberedDialSettings(settings: DialSettings): E.Either<InvalidConfig | TlsRequired, ResolvedDialSettings> {
  if (typeof settings !== 'object' || settings === null) return resolveDialSettings(settings);
  const known = resolved.get(settings);
  if (known !== undefined) return E.right(known);
  const result = resolveDialSettings(settings);
  if (E.isRight(result)) resolved.set(settings, result.right);
  return result;
}
