import { configDetail, invalidConfig, type InvalidConfig } from '../errors/transport-error.js';

// A jsonv5 file read as v4 JSON (no --format, not named *.v5.json) fails on the first key whose shape
// differs between the two formats. The bare type error would send the user hunting for a typo; the hint
// names the real cause and both ways out.

/**
 * The same InvalidConfig with the jsonv5 hint after its detail, under the same key.
 *
 * @example
 * ```ts
 * withJsonv5Hint(invalidConfig('log.error', 'must be a string, got an object')).message;
 * // 'log.error: must be a string, got an object (this looks like a jsonv5 config: pass --format jsonv5 or name it *.v5.json)'
 * ```
 */
export function withJsonv5Hint(error: InvalidConfig): InvalidConfig {
  return invalidConfig(error.key, `${configDetail(error)} (this looks like a jsonv5 config: pass --format jsonv5 or name it *.v5.json)`);
}
