import type { EventEmitter } from 'node:events';
import { fromNodeError } from '../../errors/node-errors.js';
import type { TransportError } from '../../errors/transport-error.js';

/**
 * What `answer` resolves (a response, the request being sent), or the typed reason an 'error' or 'close'
 * of `request` came first. The reason for a close is built only when it rejects: a TransportError captures
 * a stack, and every request closes after its answer, so building it eagerly cost each tunnel that much.
 *
 * @example
 * ```ts
 * const status = firstAnswer(stream, (resolve) => stream.once('response', (h) => resolve(h[':status'])), () => sessionClosed('closed first'), address);
 * ```
 */
export function firstAnswer<T>(
  request: EventEmitter,
  answer: (resolve: (value: T) => void) => void,
  closedFirst: () => TransportError,
  address: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    answer((value) => {
      if (!settled) resolve(value);
      settled = true;
    });
    request.once('error', (error: Error) => {
      if (!settled) reject(fromNodeError(error, address));
      settled = true;
    });
    request.once('close', () => {
      if (!settled) reject(closedFirst());
      settled = true;
    });
  });
}
