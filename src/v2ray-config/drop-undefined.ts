/**
 * `value` without its undefined keys: settings built from optional JSON keys compare and spread as if
 * the missing keys were never written (`exactOptionalPropertyTypes`, `deepEqual`).
 *
 * @example
 * ```ts
 * dropUndefined({ path: '/tun', method: undefined }); // { path: '/tun' }
 * ```
 */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
