/** v2ray's default `host` list, used when none is configured. */
export const DEFAULT_HOSTS: readonly [string, ...string[]] = ['www.example.com'];

/** A non-empty list of host names. */
export type HostList = readonly [string, ...string[]];

/**
 * A uniformly random pick from the host list, as v2ray does for each tunnel's `:authority`.
 * `random` is injectable so tests can pin the choice.
 *
 * @example
 * ```ts
 * pickHost(['a.test', 'b.test']); // 'a.test' or 'b.test'
 * ```
 */
export function pickHost(hosts: HostList, random: () => number = Math.random): string {
  const index = Math.min(hosts.length - 1, Math.floor(random() * hosts.length));
  return hosts[index] ?? hosts[0];
}
