import type { AddressInfo, ListenOptions, Server } from 'node:net';
import { listenFailed } from '../errors/transport-error.js';

/**
 * Binds `server` as `options` say (a port and host, perhaps with a backlog, or a unix path) and resolves
 * with what it bound, `label` when Node reports nothing; a failure to bind is a ListenFailed naming
 * `label`. The bind's error listener goes once bound.
 *
 * @example
 * ```ts
 * const bound = await listenOn(server, { port: 0, host: '127.0.0.1' }, '127.0.0.1:0'); // { address, family, port }
 * ```
 */
export function listenOn(server: Server, options: ListenOptions, label: string): Promise<AddressInfo | string> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(listenFailed(label, error));
    server.once('error', onError);
    server.listen(options, () => {
      server.off('error', onError);
      resolve(server.address() ?? label);
    });
  });
}
