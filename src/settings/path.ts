/**
 * The tunnel path as v2ray normalizes it: empty becomes `/`, a missing leading `/` is added.
 *
 * @example
 * ```ts
 * normalizePath('');     // '/'
 * normalizePath('tun');  // '/tun'
 * ```
 */
export function normalizePath(path: string): string {
  if (path === '') return '/';
  return path.startsWith('/') ? path : `/${path}`;
}
