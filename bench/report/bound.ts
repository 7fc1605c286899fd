/** A target on a ratio (ours over a yardstick's, in the same run): at most or at least `ratio`. */
export interface Bound {
  readonly op: '<=' | '>=';
  readonly ratio: number;
}

/**
 * Whether `ratio` meets `bound`; undefined when the ratio is missing (a figure absent or zero).
 *
 * @example
 * ```ts
 * meetsBound({ op: '<=', ratio: 0.5 }, 0.31); // true
 * ```
 */
export function meetsBound(bound: Bound, ratio: number): boolean | undefined {
  if (!Number.isFinite(ratio)) return undefined;
  return bound.op === '>=' ? ratio >= bound.ratio : ratio <= bound.ratio;
}
