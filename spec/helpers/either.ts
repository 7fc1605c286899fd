import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';

/**
 * The value of a `right`, or fails the test with the `left`'s message.
 *
 * @example
 * ```ts
 * const resolved = rightOf(resolveDialSettings({ tls: {} }));
 * ```
 */
export function rightOf<L extends { readonly message: string }, R>(result: E.Either<L, R>): R {
  if (E.isLeft(result)) assert.fail(`expected right, got ${result.left.message}`);
  return result.right;
}

/**
 * The error of a `left`, or fails the test.
 *
 * @example
 * ```ts
 * assert.equal(leftOf(parseStreamSettings({ network: 'tcp' })).key, 'streamSettings.network');
 * ```
 */
export function leftOf<L, R>(result: E.Either<L, R>): L {
  if (E.isRight(result)) assert.fail('expected left, got right');
  return result.left;
}
