import { invalidConfig } from '../errors/transport-error.js';
import type { Range } from '../settings/xhttp-settings.js';
import { describeValue as describe } from '../settings/describe-value.js';

// Xray's `Int32Range` JSON (infra/conf/common.go): a whole number, or a string holding one ("100") or a
// range ("100-1000", ends may be negative: "-5-10", "-10--5"); "" is 0-0. Reversed ends are swapped.
// Both ends 0 means "unset": the setting's default applies.

const RANGE = /^(-?\d+)(?:-(-?\d+))?$/;

/**
 * Reads one of Xray's range values; undefined when absent or unset (0, "0", "", "0-0"). Anything else
 * (an object, a fraction, "abc") is an InvalidConfig naming `key`, as Xray refuses it.
 *
 * @example
 * ```ts
 * xrayRange('100-1000', 'xPaddingBytes'); // { from: 100, to: 1000 }
 * xrayRange(30, 'scMinPostsIntervalMs');  // { from: 30, to: 30 }
 * xrayRange('900-600', 'hMaxRequestTimes'); // { from: 600, to: 900 }
 * xrayRange(0, 'xPaddingBytes');          // undefined
 * ```
 */
export function xrayRange(value: unknown, key: string): Range | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value : undefined;
  const match = text === undefined ? null : text === '' ? ['', '0', '0'] : RANGE.exec(text);
  if (match === null) throw invalidConfig(key, `must be a whole number or a "from-to" string such as "100-1000", got ${describe(value)}`);
  const first = Number(match[1]);
  const second = match[2] === undefined ? first : Number(match[2]);
  const range = { from: Math.min(first, second), to: Math.max(first, second) };
  return range.from === 0 && range.to === 0 ? undefined : range;
}

/**
 * Xray's plain integer settings (`scMaxBufferedPosts`, `hKeepAlivePeriod`): a JSON number that is whole.
 * Xray's decoder refuses a string here, and so does this.
 *
 * @example
 * ```ts
 * xrayInteger(30, 'scMaxBufferedPosts'); // 30
 * ```
 */
export function xrayInteger(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalidConfig(key, `must be a whole number, got ${describe(value)}`);
  return value;
}
