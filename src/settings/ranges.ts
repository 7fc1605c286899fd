import { invalidConfig } from '../errors/transport-error.js';
import { describeValue } from './describe-value.js';

// What Node and the wire accept for each kind of number a setting holds: one rule for the CLI flags, the
// JSON keys and the library options, so a value past a limit is refused at start, naming the setting,
// instead of misbehaving later (a timer past 2^31-1 ms fires after 1 ms; an HTTP/2 setting past 2^32-1
// throws in the first session's constructor and takes the process down).

/** The longest delay Node's timers take: 2^31-1 ms, about 24.8 days. A longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** HTTP/2 SETTINGS values are 32 bits (RFC 9113 §6.5.1); Node throws ERR_HTTP2_INVALID_SETTING_VALUE past it. */
export const MAX_SETTING_VALUE = 2 ** 32 - 1;

/** The numbers a setting may hold. */
export interface NumberRange {
  /** What the number is, as the messages say it: `a number of seconds`. */
  readonly what: string;
  readonly min: number;
  /** The largest value, in the setting's own unit. */
  readonly max: number;
  /** Whole numbers only. */
  readonly integer: boolean;
  /** Why `max` is the limit, when it is not obvious. */
  readonly because?: string;
  /**
   * Setting units per unit of the limit the check compares against, e.g. 1000 for seconds checked against
   * `MAX_TIMER_MS`: the product is compared, so no rounding of `max` lets 2^31 ms through.
   */
  readonly scale?: number;
}

const TIMERS = "Node's timers stop at 2^31-1 ms, about 24.8 days";

/** A duration in seconds, 0 allowed (often "off"). */
export const SECONDS: NumberRange = {
  what: 'a non-negative number of seconds',
  min: 0,
  max: MAX_TIMER_MS / 1000,
  integer: false,
  because: TIMERS,
  scale: 1000,
};
/** A duration in milliseconds, 0 allowed. */
export const MILLISECONDS: NumberRange = { what: 'a non-negative number of milliseconds', min: 0, max: MAX_TIMER_MS, integer: false, because: TIMERS };
/** A health-check duration in milliseconds, 0 allowed (off): a check of hours would find a dead session too late to matter. */
export const HEALTH_MILLISECONDS: NumberRange = {
  what: 'a non-negative number of milliseconds',
  min: 0,
  max: 3_600_000,
  integer: false,
  because: 'a health check of more than an hour finds a dead session too late to matter; the library counts milliseconds',
};
/** A whole number of milliseconds, 0 allowed. */
export const WHOLE_MILLISECONDS: NumberRange = { ...MILLISECONDS, what: 'a whole number of milliseconds', integer: true };
/** An HTTP/2 SETTINGS value (streams, header list size). */
export const SETTING_VALUE: NumberRange = {
  what: 'a whole number',
  min: 0,
  max: MAX_SETTING_VALUE,
  integer: true,
  because: 'HTTP/2 settings are 32-bit',
};
/** A count with no limit of its own. */
export const COUNT: NumberRange = { what: 'a whole number, 0 or more', min: 0, max: Number.MAX_SAFE_INTEGER, integer: true };
/** A TCP port; 0 picks a free one where a listener takes it. */
export const PORT: NumberRange = { what: 'a port number', min: 0, max: 65_535, integer: true };
/** A v2ray user level: a uint32 in v2ray's config. */
export const USER_LEVEL: NumberRange = { what: 'a whole number, 0 or more', min: 0, max: MAX_SETTING_VALUE, integer: true, because: 'v2ray levels are 32-bit' };

/**
 * Why `value` is not in `range`, as the rest of a sentence (`must be …`), or undefined when it is.
 *
 * @example
 * ```ts
 * outOfRange(3_000_000, SECONDS); // 'a non-negative number of seconds, at most 2147483.647 (Node's timers …)'
 * outOfRange(10, SECONDS);        // undefined
 * ```
 */
export function outOfRange(value: unknown, range: NumberRange): string | undefined {
  const number = typeof value === 'number' && Number.isFinite(value) && (!range.integer || Number.isInteger(value)) && value >= range.min;
  const scale = range.scale ?? 1;
  if (number && value * scale <= Math.round(range.max * scale)) return undefined;
  return wanted(range);
}

/** `range` said in words: what the number is, its largest value and why. */
export function wanted(range: NumberRange): string {
  return `${range.what}, at most ${range.max}${range.because === undefined ? '' : ` (${range.because})`}`;
}

/**
 * `value` if it is in `range`; otherwise throws an {@link InvalidConfig} naming `key`.
 *
 * @example
 * ```ts
 * checkRange('maxConcurrentStreams', 2 ** 32, SETTING_VALUE); // throws: maxConcurrentStreams: must be a whole number, at most 4294967295 …
 * ```
 */
export function checkRange(key: string, value: unknown, range: NumberRange): number {
  const problem = outOfRange(value, range);
  if (problem !== undefined) throw invalidConfig(key, `must be ${problem}, got ${describeValue(value)}`);
  return value as number;
}

/**
 * A delay Node's timers can wait: negative is 0, past {@link MAX_TIMER_MS} is that. For deadlines computed
 * at run time (a drain's end), where "longer than 24.8 days" means "as long as a timer can".
 */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}
