import { Observable, type Subject } from 'rxjs';
import { usageError } from '../errors/transport-error.js';

/**
 * `subject` as an Observable that one subscriber at a time may hold: each value goes to exactly one
 * consumer. A second subscriber while one is active gets a {@link UsageError} at once; after the first
 * unsubscribes, another may take over. For tunnels, which must not be handled twice.
 *
 * @example
 * ```ts
 * const connections = singleConsumer(subject, 'connections');
 * connections.subscribe(handle);
 * connections.subscribe({ error: (e) => console.error(e.message) }); // refused
 * ```
 */
export function singleConsumer<T>(subject: Subject<T>, what: string): Observable<T> {
  let held = false;
  return new Observable<T>((subscriber) => {
    if (held) {
      subscriber.error(usageError(`${what} already has a subscriber: each tunnel goes to exactly one; share it with share() or handle it in one place`));
      return;
    }
    held = true;
    const inner = subject.subscribe(subscriber);
    return () => {
      held = false;
      inner.unsubscribe();
    };
  });
}
