/**
 * Values remembered by a pair of objects, held weakly by both: an entry goes when either key is
 * collected. For what is worked out once per settings object and destination, which are readonly.
 *
 * @example
 * ```ts
 * const keys = new PairCache<ResolvedDialSettings, HostPort, PoolKey>();
 * keys.get(settings, target) ?? keys.set(settings, target, computeKey(settings, target));
 * ```
 */
export class PairCache<A extends object, B extends object, V> {
  private readonly byFirst = new WeakMap<A, WeakMap<B, V>>();

  get(a: A, b: B): V | undefined {
    return this.byFirst.get(a)?.get(b);
  }

  /** Remembers `value` for the pair and returns it. */
  set(a: A, b: B, value: V): V {
    let bySecond = this.byFirst.get(a);
    if (bySecond === undefined) this.byFirst.set(a, (bySecond = new WeakMap()));
    bySecond.set(b, value);
    return value;
  }
}
