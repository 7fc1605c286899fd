/**
 * A config value as an error message shows it: `"text"` (cut at 40 characters), `number 5`, `a list`, `an
 * object`. Never converts an object to a string: JSON may hold `{"toString": 1}`, and String() of it
 * throws "Cannot convert object to primitive value" instead of naming the key.
 *
 * @example
 * ```ts
 * describeValue(5);                // 'number 5'
 * describeValue({ toString: 1 }); // 'an object'
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}
