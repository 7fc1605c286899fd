import type { HostPort } from '../../settings/address.js';
import type { ResolvedDialSettings } from '../../settings/settings.js';
import { PairCache } from './pair-cache.js';
import { reuseKey } from './reuse-policy.js';
import { sessionKey } from './session-key.js';

/** Where a lease's sessions live: the session key (server and TLS identity) and its pool (with the reuse limits). */
export interface PoolKey {
  readonly key: string;
  readonly pool: string;
}

// Every lease needs both keys, nearly always for the same resolved settings and destination objects
// (dial remembers both): building the two strings again and hashing them fresh in the pool's Map was
// ~1.5 % of the library client's CPU per tunnel. Remembered weakly, by those objects, which are ours
// and never change.
const remembered = new PairCache<ResolvedDialSettings, HostPort, PoolKey>();

/**
 * The {@link sessionKey} and pool of a lease to `destination` with `settings`, the same strings for the
 * same objects.
 *
 * @example
 * ```ts
 * const { key, pool } = poolKeyOf(target, resolved); // key: 'a.test:443 tls sni=…', pool: key + reuse limits
 * ```
 */
export function poolKeyOf(destination: HostPort, settings: ResolvedDialSettings): PoolKey {
  const known = remembered.get(settings, destination);
  if (known !== undefined) return known;
  const key = sessionKey(destination, settings.security);
  return remembered.set(settings, destination, { key, pool: key + reuseKey(settings.reuse) });
}
