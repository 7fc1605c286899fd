import { firstValueFrom } from 'rxjs';
import type { Destination } from '../settings/destination.js';
import type { DialSettings } from '../settings/settings.js';
import type { Connection } from '../connection/connection.js';
import { detach } from './detach.js';
import { dial, type DialOptions } from './dial.js';

/**
 * Opens one tunnel and hands it over: the promise form of {@link dial} followed by {@link detach}. The
 * caller owns the connection and must end or close it; rejects with the typed error the dial failed with.
 *
 * @example
 * ```ts
 * const connection = await openTunnel('tunnel.test:443', { host: ['tunnel.test'], tls: {} });
 * connection.toDuplex().pipe(process.stdout);
 * ```
 */
export function openTunnel(destination: Destination, settings: DialSettings, options: DialOptions = {}): Promise<Connection> {
  return firstValueFrom(dial(destination, settings, options).pipe(detach()));
}
