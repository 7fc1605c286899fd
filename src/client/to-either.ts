import * as E from 'fp-ts/lib/Either.js';
import { catchError, map, of, type OperatorFunction, TimeoutError } from 'rxjs';
import type { Connection } from '../connection/connection.js';
import { timeout, type TransportError } from '../errors/transport-error.js';
import { fromNodeError } from '../errors/node-errors.js';

/**
 * Turns a dial's outcome into a typed `Either` at the end of a pipeline, after `retry` and `timeout`:
 * `right(connection)`, or `left(error)` whatever failed, an rxjs `TimeoutError` from a `timeout`
 * operator included (as a {@link Timeout} whose phase says so). The dial itself is untouched, so its
 * tunnel still lives as long as the subscription.
 *
 * @example
 * ```ts
 * dial(server, settings)
 *   .pipe(retry({ count: 2, delay: (e) => (isTransient(e) ? timer(100) : throwError(() => e)) }), timeout({ first: 5_000 }), toEither())
 *   .subscribe(E.match((e) => console.warn(e.code), useConnection));
 * ```
 */
export function toEither(): OperatorFunction<Connection, E.Either<TransportError, Connection>> {
  return (source) =>
    source.pipe(
      map((connection) => E.right(connection)),
      catchError((error: unknown) =>
        of(E.left(error instanceof TimeoutError ? timeout('the dial (by a timeout operator)', Number.NaN) : fromNodeError(error, 'destination'))),
      ),
    );
}
