import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { parseHostPort, type HostPort } from '../../settings/address.js';

/**
 * Parses a flag given in seconds: a non-negative number.
 *
 * @example
 * ```ts
 * seconds('2.5'); // 2.5
 * ```
 */
export function seconds(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError('want a non-negative number of seconds.');
  return value;
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
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError('want a whole number, 0 or more.');
  return value;
}

/** Parses a whole number of days, at least 1. */
export function days(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('want a whole number of days, at least 1.');
  return value;
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
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < 1)
    throw new InvalidArgumentError('want a whole number of processes, 1 or more, or "auto".');
  return value;
}
