import { invalidConfig } from '../errors/transport-error.js';
import type { Range } from './xhttp-settings.js';

// The shapes of XHTTP and XMUX settings: ranges, whole numbers and objects of known keys. Each throws an
// InvalidConfig naming the key.

/**
 * A number or `{ from, to }` of whole numbers ≥ `least`, `from ≤ to`; undefined when not given.
 *
 * @example
 * ```ts
 * rangeAt('xhttp.paddingBytes', 200, 1);                     // { from: 200, to: 200 }
 * rangeAt('xhttp.paddingBytes', { from: 10, to: 5 }, 1);     // throws: from (10) must not exceed to (5)
 * ```
 */
export function rangeAt(key: string, value: unknown, least: number): Range | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    const n = checkWhole(key, value, least);
    return { from: n, to: n };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidConfig(key, `must be a whole number or { from, to }, got ${JSON.stringify(value)}`);
  }
  const { from, to, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw invalidConfig(`${key}.${extra}`, 'is not a range field (from, to)');
  const low = checkWhole(`${key}.from`, from, least);
  const high = checkWhole(`${key}.to`, to, least);
  if (low > high) throw invalidConfig(key, `from (${low}) must not exceed to (${high})`);
  return { from: low, to: high };
}

/**
 * A whole number ≥ `least`; undefined when not given.
 *
 * @example
 * ```ts
 * wholeAt('xhttp.maxBufferedPosts', 30, 1); // 30
 * ```
 */
export function wholeAt(key: string, value: unknown, least: number): number | undefined {
  return value === undefined ? undefined : checkWhole(key, value, least);
}

/**
 * `value` as an object whose keys are all `known`; another key is an InvalidConfig saying it is not `what`.
 *
 * @example
 * ```ts
 * objectAt('xhttp.xmux', { maxConnections: 2 }, ['maxConnections'], 'an XMUX setting'); // { maxConnections: 2 }
 * ```
 */
export function objectAt<K extends string>(key: string, value: unknown, known: readonly K[], what: string): Partial<Record<K, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidConfig(key, 'must be an object');
  const unknownKey = Object.keys(value).find((name) => !(known as readonly string[]).includes(name));
  if (unknownKey !== undefined) throw invalidConfig(`${key}.${unknownKey}`, `is not ${what}`);
  return value;
}

function checkWhole(key: string, value: unknown, least: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < least) {
    throw invalidConfig(key, `must be a whole number ≥ ${least}, got ${JSON.stringify(value)}`);
  }
  return value;
}
