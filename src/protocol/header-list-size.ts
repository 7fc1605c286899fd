/**
 * The size of a header list as SETTINGS_MAX_HEADER_LIST_SIZE counts it (RFC 9113 §6.5.2): every name and
 * value in octets, plus 32 for each field. `rawHeaders` is Node's flat `[name, value, name, value, …]`;
 * Node decodes values as latin1, one character per octet.
 *
 * @example
 * ```ts
 * headerListSize([':method', 'PUT', ':path', '/tun']); // 7 + 3 + 32 + 5 + 4 + 32 = 83
 * ```
 */
export function headerListSize(rawHeaders: readonly string[]): number {
  let size = 0;
  for (const field of rawHeaders) size += field.length;
  return size + 16 * rawHeaders.length;
}
