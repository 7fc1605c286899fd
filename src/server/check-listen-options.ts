import * as E from 'fp-ts/lib/Either.js';
import { isSecureVersion, SECURE_VERSIONS } from '../settings/tls-options.js';
import { invalidConfig, type InvalidConfig } from '../errors/transport-error.js';
import type { ListenOptions } from './server-options.js';
import { checkCertificates } from '../tls/check-pem.js';
import { describeValue } from '../settings/describe-value.js';
import { COUNT, HEALTH_MILLISECONDS, outOfRange, SETTING_VALUE, WHOLE_MILLISECONDS, type NumberRange } from '../settings/ranges.js';

// Numeric options, what Node takes for each (an HTTP/2 setting, a timer), and whether 0 is allowed ("off").
const NUMBERS: readonly (readonly [keyof ListenOptions, NumberRange, boolean])[] = [
  ['maxConcurrentStreams', SETTING_VALUE, false],
  ['handshakeTimeoutMs', WHOLE_MILLISECONDS, false],
  ['headerTimeoutMs', WHOLE_MILLISECONDS, false],
  ['idleSessionTimeoutMs', WHOLE_MILLISECONDS, true],
  ['maxHeaderListSize', SETTING_VALUE, false],
  ['maxSessionsPerAddress', COUNT, true],
  ['maxSessions', COUNT, true],
  ['maxTunnels', COUNT, true],
  ['maxResetBurst', COUNT, false],
  ['maxResetsPerSecond', COUNT, false],
  ['readIdleTimeoutMs', HEALTH_MILLISECONDS, true],
  ['healthCheckTimeoutMs', HEALTH_MILLISECONDS, true],
];

/**
 * The shape of {@link ListenOptions} as JavaScript callers may get it wrong: not an object, `listen`
 * neither text nor a parsed address, `tls` without PEM text, a limit that is not a whole number. A typed
 * error naming the key, before anything reads the options (a `TypeError` from deep inside otherwise).
 *
 * @example
 * ```ts
 * checkListenOptions({ listen: '127.0.0.1:0', h2c: true, maxConcurrentStreams: -1 }); // left(InvalidConfig maxConcurrentStreams)
 * ```
 */
export function checkListenOptions(options: unknown): E.Either<InvalidConfig, ListenOptions> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return bad('', 'listen() needs an options object');
  const o = options as Record<string, unknown>;
  const listen = o.listen;
  if (typeof listen !== 'string' && !isParsedAddress(listen)) return bad('listen', 'must be "host:port", "unix:/path" or a parsed listen address');
  if (o.h2c !== undefined && typeof o.h2c !== 'boolean') return bad('h2c', 'must be true or false');
  if (o.bulkCap !== undefined && typeof o.bulkCap !== 'boolean') return bad('bulkCap', 'must be true or false');
  if (o.hostMatch !== undefined && o.hostMatch !== 'exact' && o.hostMatch !== 'xray') return bad('hostMatch', 'must be "exact" (v2ray) or "xray"');
  if (o.tls !== undefined) {
    const tls = o.tls as Record<string, unknown> | null;
    if (typeof tls !== 'object' || tls === null || !isPem(tls.cert) || !isPem(tls.key)) return bad('tls', 'needs { cert, key } as PEM text or Buffers');
    const clientCa = tls.clientCa;
    if (clientCa !== undefined && !isPem(clientCa) && !(Array.isArray(clientCa) && clientCa.length > 0 && clientCa.every(isPem))) {
      return bad('tls.clientCa', 'must be PEM text, a Buffer, or a non-empty list of them');
    }
    const caProblem = clientCa === undefined ? undefined : certificatesProblem(clientCa);
    if (caProblem !== undefined) return E.left(caProblem);
    for (const key of ['minVersion', 'maxVersion'] as const) {
      if (tls[key] !== undefined && !isSecureVersion(tls[key])) return bad(`tls.${key}`, `must be one of ${SECURE_VERSIONS.join(', ')}`);
    }
    if (tls.ciphers !== undefined && (typeof tls.ciphers !== 'string' || tls.ciphers === '')) return bad('tls.ciphers', 'must be an OpenSSL cipher list');
    if (tls.rejectUnknownSni !== undefined && typeof tls.rejectUnknownSni !== 'boolean') return bad('tls.rejectUnknownSni', 'must be true or false');
  }
  if (o.xhttp !== undefined && (typeof o.xhttp !== 'object' || o.xhttp === null || Array.isArray(o.xhttp)))
    return bad('xhttp', 'must be an object of XHTTP settings');
  for (const [key, range, zeroAllowed] of NUMBERS) {
    const value = o[key];
    if (value === undefined) continue;
    const problem = value === 0 && !zeroAllowed ? `${range.what} above 0` : outOfRange(value, range);
    if (problem !== undefined) return bad(key, `must be ${problem}${zeroAllowed ? ' (0 for off)' : ''}, got ${describeValue(value)}`);
  }
  return E.right(options as ListenOptions);
}

function bad(key: string, detail: string): E.Either<InvalidConfig, never> {
  return E.left(invalidConfig(key, detail));
}

function isPem(value: unknown): boolean {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

function isParsedAddress(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const address = value as Record<string, unknown>;
  if (address.kind === 'unix') return typeof address.path === 'string' && address.path !== '';
  return (
    address.kind === 'tcp' &&
    typeof address.host === 'string' &&
    typeof address.port === 'number' &&
    Number.isInteger(address.port) &&
    address.port >= 0 &&
    address.port <= 65_535
  );
}

// Node takes a CA with no certificate in it as an empty list: every client would fail the handshake.
function certificatesProblem(clientCa: unknown): InvalidConfig | undefined {
  try {
    for (const pem of Array.isArray(clientCa) ? clientCa : [clientCa])
      checkCertificates(Buffer.isBuffer(pem) ? pem.toString('utf8') : (pem as string), 'tls.clientCa');
    return undefined;
  } catch (error) {
    return error as InvalidConfig;
  }
}
