import * as E from 'fp-ts/lib/Either.js';
import type { InvalidConfig, TlsRequired } from '../../errors/transport-error.js';
import type { HostPort } from '../../settings/address.js';
import type { DialSettings } from '../../settings/settings.js';
import { PairCache } from '../pool/pair-cache.js';
import { resolveXhttpDial, type XhttpDialPlan } from './xhttp-dial-plan.js';

// As for the v2ray shape (rememberedDialSettings): a caller dials with the same settings object, and the
// destination parse is remembered per text, so the plan is too. It also keeps the plan's dial settings
// the same object across tunnels, which is what the pool remembers its keys by.
const plans = new PairCache<DialSettings, HostPort, XhttpDialPlan>();

/**
 * {@link resolveXhttpDial}, remembered per settings object and destination: each pair resolves once,
 * however many tunnels are dialed with it. Settings are readonly; a changed one is a new object. Only good
 * plans are kept: bad settings are refused afresh on every dial.
 *
 * @example
 * ```ts
 * const settings = { path: '/tun/', h2c: true, xhttp: { mode: 'stream-one' } };
 * rememberedXhttpDial(target, settings); // right(plan)
 * rememberedXhttpDial(target, settings); // the same plan, not resolved again
 * ```
 */
export function rememberedXhttpDial(target: HostPort, settings: DialSettings): E.Either<InvalidConfig | TlsRequired, XhttpDialPlan> {
  if (typeof settings !== 'object' || settings === null) return resolveXhttpDial(target, settings);
  const known = plans.get(settings, target);
  if (known !== undefined) return E.right(known);
  const plan = resolveXhttpDial(target, settings);
  if (E.isRight(plan)) plans.set(settings, target, plan.right);
  return plan;
}
