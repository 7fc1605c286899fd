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
    // Once settled, the listeners go: a download's request lives as long as its tunnel.
    const settle = () => {
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onError = (error: Error) => {
      settle();
      reject(fromNodeError(error, address));
    };
    const onClose = () => {
      settle();
      reject(closedFirst());
    };
    request.once('error', onError);
    request.once('close', onClose);
    answer((value) => {
      settle();
      resolve(value);
    });
  });
}
