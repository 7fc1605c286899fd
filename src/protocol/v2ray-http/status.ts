import * as E from 'fp-ts/lib/Either.js';
import { unexpectedStatus, type UnexpectedStatus } from '../../errors/transport-error.js';

/**
 * A tunnel is open only on status 200 (v2ray's dialer); anything else is a warning-level error.
 *
 * @example
 * ```ts
 * checkStatus(200); // right(200)
 * checkStatus(404); // left(UnexpectedStatus { status: 404 })
 * ```
 */
export function checkStatus(status: number | undefined): E.Either<UnexpectedStatus, 200> {
  return status === 200 ? E.right(200) : E.left(unexpectedStatus(status ?? 0));
}
