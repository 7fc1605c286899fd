import { type MonoTypeOperatorFunction, tap } from 'rxjs';
import type { Connection } from '../connection/connection.js';
import { fromNodeError } from '../errors/node-errors.js';
import type { SessionManager } from './pool/session-manager.js';

/**
 * Reports a dial's outcome to its manager's `tunnels` (opened with the time it took, failed, ended),
 * when someone watches them at the moment of the dial; otherwise it passes the connection through
 * untouched, so a dial nobody measures costs one property read.
 *
 * @example
 * ```ts
 * manager.lease(target, resolved).pipe(switchMap(request), reportTunnel(manager, address));
 * ```
 */
export function reportTunnel(manager: SessionManager, address: string): MonoTypeOperatorFunction<Connection> {
  if (!manager.reportsTunnels) return (source) => source;
  const started = performance.now();
  return tap({
    next: (connection) => {
      manager.reportTunnel({ type: 'opened', seconds: (performance.now() - started) / 1000 });
      void connection.done.then((result) => manager.reportTunnel({ type: 'ended', result }));
    },
    error: (error: unknown) => manager.reportTunnel({ type: 'open-failed', error: fromNodeError(error, address) }),
  });
}
