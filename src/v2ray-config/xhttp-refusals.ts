import { invalidConfig } from '../errors/transport-error.js';
import type { JsonFields } from './json-fields.js';
import { describeValue as describe } from '../settings/describe-value.js';
import { xrayRange } from './xray-range.js';

// XHTTP keys whose non-default values h2tunnel cannot honour yet: the obfuscation options (padding
// elsewhere than the Referer, session id and seq elsewhere than the path, upload data in headers or
// cookies) and a download through another server. Xray would change the wire for them; ignoring them
// would make a tunnel that its peer refuses, so each is an error naming the key.

const SPOKEN = "h2tunnel speaks Xray's default: padding in the Referer, session id and seq in the path, upload data in the body";

// Each key with the values that mean Xray's default (Build() fills the empty ones with them).
const OBFUSCATION: readonly (readonly [string, readonly (string | boolean)[]])[] = [
  ['xPaddingObfsMode', [false]],
  ['xPaddingKey', ['', 'x_padding']],
  ['xPaddingHeader', ['', 'X-Padding']],
  ['xPaddingPlacement', ['', 'queryInHeader']],
  ['xPaddingMethod', ['', 'repeat-x']],
  ['sessionIDPlacement', ['', 'path']],
  ['sessionIDKey', ['']],
  ['sessionIDTable', ['']],
  ['seqPlacement', ['', 'path']],
  ['seqKey', ['']],
  ['uplinkDataPlacement', ['', 'auto', 'body']],
  ['uplinkDataKey', ['', 'X-Data']],
];
const OBFUSCATION_RANGES = ['sessionIDLength', 'uplinkChunkSize'] as const;

/**
 * Fails on the first obfuscation option of `fields` (an `xhttpSettings` object) set to anything but
 * Xray's default, and on `downloadSettings`; marks them read otherwise.
 *
 * @example
 * ```ts
 * refuseUnsupportedXhttp(JsonFields.open({ xPaddingObfsMode: true }, 'xhttpSettings')); // throws InvalidConfig 'xhttpSettings.xPaddingObfsMode'
 * ```
 */
export function refuseUnsupportedXhttp(fields: JsonFields): void {
  for (const [name, defaults] of OBFUSCATION) {
    const value = fields.raw(name);
    if (value === undefined || value === null || defaults.includes(value as string | boolean)) continue;
    const expected = typeof defaults[0] === 'boolean' ? 'true or false' : 'a string';
    if (typeof value !== typeof defaults[0]) throw invalidConfig(fields.key(name), `must be ${expected}, got ${describe(value)}`);
    throw invalidConfig(fields.key(name), `${JSON.stringify(value)} asks for an XHTTP obfuscation option h2tunnel does not support yet; ${SPOKEN}`);
  }
  for (const name of OBFUSCATION_RANGES) {
    const value = fields.raw(name);
    if (xrayRange(value, fields.key(name)) !== undefined) {
      throw invalidConfig(fields.key(name), `is an XHTTP obfuscation option h2tunnel does not support yet; ${SPOKEN}`);
    }
  }
  const download = fields.raw('downloadSettings');
  if (download !== undefined && download !== null) {
    throw invalidConfig(fields.key('downloadSettings'), "is not supported: h2tunnel carries a tunnel's download on the same server as its upload; remove it");
  }
}
