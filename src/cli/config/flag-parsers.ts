import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { parseHostPort, type HostPort } from '../../settings/address.js';
import { COUNT, outOfRange, SECONDS, SETTING_VALUE, wanted, type NumberRange } from '../../settings/ranges.js';

/**
 * Parses a flag given in seconds: a non-negative number that Node's timers can wait once in milliseconds
 * (at most 2147483.647; a longer timer would fire after 1 ms).
 *
 * @example
 * ```ts
 * seconds('2.5'); // 2.5
 * ```
 */
export function seconds(text: string): number {
  return inRange(text, SECONDS);
}

/**
 * Parses a flag that counts something: a whole number, 0 or more (0 usually meaning "no cap").
 *
 * @example
 * ```ts
 * count('100'); // 100
 * ```
 */
export function count(text: string): number {
  return inRange(text, COUNT);
}

/**
 * Parses `--max-streams`: a whole number an HTTP/2 SETTINGS frame can carry (at most 2^32-1; Node throws
 * at the first session past it). 0 passes here; the server config refuses it with its reason.
 *
 * @example
 * ```ts
 * streamCount('250'); // 250
 * ```
 */
export function streamCount(text: string): number {
  return inRange(text, SETTING_VALUE);
}

// X.509 validity ends in 9999 (GeneralizedTime has four digits for the year): past it the certificate is written with a "Bad time value".
const LAST_VALID_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Parses a whole number of days, at least 1, that ends before the year 10000 (X.509's last date). */
export function days(text: string): number {
  const max = Math.floor((LAST_VALID_MS - Date.now()) / 86_400_000);
  return inRange(text, { what: 'a whole number of days, at least 1', min: 1, max, integer: true, because: 'a certificate is valid until 9999-12-31 at most' });
}

/**
 * Parses a comma-separated list of names (`--host a.test,b.test`).
 *
 * @example
 * ```ts
 * nameList('a.test, b.test'); // ['a.test', 'b.test']
 * ```
 */
export function nameList(text: string): string[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new InvalidArgumentError('want one or more names separated by commas.');
  return names;
}

/**
 * Collects a repeatable flag into a list, in the order given.
 *
 * @example
 * ```ts
 * collect('b.json', ['a.json']); // ['a.json', 'b.json']
 * ```
 */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * Parses `--metrics HOST:PORT` (port 0 picks a free one, which the `metrics listening` line names).
 *
 * @example
 * ```ts
 * metricsAddress('127.0.0.1:9464'); // { host: '127.0.0.1', port: 9464 }
 * ```
 */
export function metricsAddress(text: string): HostPort {
  const parsed = parseHostPort(text, '--metrics');
  if (E.isLeft(parsed)) throw new InvalidArgumentError(`${parsed.left.message.replace(/^--metrics: /, '')}.`);
  return parsed.right;
}

/**
 * Parses `--workers`: a whole number of processes, 1 or more, or `auto` for one per core.
 *
 * @example
 * ```ts
 * workerCount('auto'); // os.availableParallelism()
 * ```
 */
export function workerCount(text: string): number {
  if (text.trim() === 'auto') return availableParallelism();
  const value = Number(text);
  if (text.trim() === '' || outOfRange(value, WORKERS) !== undefined) throw new InvalidArgumentError(`want ${wanted(WORKERS)}, or "auto".`);
  return value;
}

/** More processes than any machine has cores: a typo (`--workers 1e6` would fork until the system refuses). */
export const MAX_WORKERS = 1_024;
const WORKERS: NumberRange = { what: 'a whole number of processes, 1 or more', min: 1, max: MAX_WORKERS, integer: true };

// Commander prints "option '--x <s>' argument 'v' is invalid." before this: one line naming the flag.
function inRange(text: string, range: NumberRange): number {
  const value = Number(text);
  const problem = text.trim() === '' ? range.what : outOfRange(value, range);
  if (problem !== undefined) throw new InvalidArgumentError(`want ${problem}.`);
  return value;
}
