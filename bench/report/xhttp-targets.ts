import type { XhttpMode } from '../chains/xhttp-chain.js';
import { meetsBound, type Bound } from './bound.js';

/** Where a figure was measured: on loopback, or through the emulated link at this RTT (ms). */
export type Where = 'loopback' | number;

/** A target on the ratio ours / Xray's of one figure. */
export interface XhttpTarget extends Bound {
  /** The mode it holds for; every mode when absent. */
  readonly mode?: XhttpMode;
  readonly where: Where;
  readonly key: string;
}

/** Issue 26's targets against Xray, measured in the same run. */
export const XHTTP_TARGETS: readonly XhttpTarget[] = [
  { mode: 'stream-one', where: 'loopback', key: 'throughput1', op: '>=', ratio: 1.5 },
  { mode: 'stream-one', where: 40, key: 'bulk1', op: '>=', ratio: 1.5 },
  { mode: 'stream-one', where: 40, key: 'warmP50', op: '<=', ratio: 1 },
  { mode: 'packet-up', where: 'loopback', key: 'throughput1', op: '>=', ratio: 1 },
  { mode: 'packet-up', where: 40, key: 'bulk1', op: '>=', ratio: 1 },
  { where: 'loopback', key: 'memTotal', op: '<=', ratio: 0.5 },
];

/**
 * The target of `key` for `mode` measured at `where`, if issue 26 sets one.
 *
 * @example
 * ```ts
 * xhttpTarget('stream-one', 40, 'warmP50'); // { …, op: '<=', ratio: 1 }
 * ```
 */
export function xhttpTarget(mode: XhttpMode, where: Where, key: string): XhttpTarget | undefined {
  return XHTTP_TARGETS.find((t) => (t.mode === undefined || t.mode === mode) && t.where === where && t.key === key);
}

/**
 * `>= 1.5x met`, `<= 1x MISSED`, or `>= 1.5x` alone when the ratio is missing; blank without a target.
 *
 * @example
 * ```ts
 * verdict({ where: 'loopback', key: 'memTotal', op: '<=', ratio: 0.5 }, 0.31); // '<= 0.5x met'
 * ```
 */
export function verdict(target: XhttpTarget | undefined, ratio: number): string {
  if (target === undefined) return '';
  const head = `${target.op} ${target.ratio}x`;
  if (!Number.isFinite(ratio)) return head;
  return `${head} ${meetsBound(target, ratio) === true ? 'met' : 'MISSED'}`;
}
