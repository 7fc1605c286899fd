import type { AddressInfo, ListenOptions, Server } from 'node:net';
import { listenFailed, type ListenFailed } from '../errors/transport-error.js';

/**
 * Binds `server` as `options` say (a port and host, perhaps with a backlog, or a unix path) and resolves
 * with what it bound, `label` when Node reports nothing; a failure to bind is a ListenFailed naming
 * `label`. Once bound, an `'error'` (accept failing: EMFILE when libuv's spare descriptor could not absorb
 * it, ENFILE, ENOMEM) goes to `onError` as a ListenFailed and the server keeps listening: with no
 * listener, Node would throw it and end the process with every open tunnel.
 *
 * @example
 * ```ts
 * const bound = await listenOn(server, { port: 0, host: '127.0.0.1' }, '127.0.0.1:0'); // { address, family, port }
 * ```
 */
export function listenOn(
  server: Server,
  options: ListenOptions,
  label: string,
  onError: (error: ListenFailed) => void = () => undefined,
): Promise<AddressInfo | string> {
  return new Promise((resolve, reject) => {
    const onBindError = (error: Error) => reject(listenFailed(label, error));
    server.once('error', onBindError);
    server.listen(options, () => {
      server.off('error', onBindError);
      server.on('error', (error) => onError(listenFailed(label, error)));
      resolve(server.address() ?? label);
    });
  });
}
