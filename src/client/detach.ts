import { map, type MonoTypeOperatorFunction, take } from 'rxjs';
import type { Connection } from '../connection/connection.js';

const detached = new WeakSet<Connection>();

/**
 * Hands a dialed {@link Connection} over to the caller for good: the first connection is emitted and
 * the dial completes, but unsubscribing no longer closes the tunnel. The caller must end or close it.
 * Without it, a tunnel lives exactly as long as the subscription to its {@link dial}.
 *
 * @example
 * ```ts
 * const connection = await firstValueFrom(dial(server, settings).pipe(retry(2), detach()));
 * await connection.write(Buffer.from('hello'));
 * await connection.end();
 * ```
 */
export function detach(): MonoTypeOperatorFunction<Connection> {
  return (source) =>
    source.pipe(
      map((connection) => {
        detached.add(connection);
        return connection;
      }),
      take(1),
    );
}

/** Whether the caller took `connection` over with {@link detach}. @internal */
export function isDetached(connection: Connection): boolean {
  return detached.has(connection);
}
