import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Bytes of heap still reachable, after a full collection: what a test of bounded memory means. Heap
 * used without one counts garbage too, which a loaded machine leaves uncollected for longer.
 *
 * @example
 * ```ts
 * const before = liveHeap();
 * await work();
 * assert.ok(liveHeap() - before < 16 * 1024 * 1024);
 * ```
 */
export function liveHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
