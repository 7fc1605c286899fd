import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { catchError, defer, map, type Observable, of, retry, switchMap, throwError } from 'rxjs';
import { formatHostPort } from '../settings/address.js';
import { destinationOf, type Destination } from '../settings/destination.js';
import { resolveDialSettings } from '../settings/resolve-dial-settings.js';
import type { DialSettings } from '../settings/settings.js';
import type { Connection } from '../connection/connection.js';
import type { TransportError } from '../errors/transport-error.js';
import { fromNodeError } from '../errors/node-errors.js';
import { wasNotProcessed } from './not-processed.js';
import { reportTunnel } from './report-tunnel.js';
import { requestTunnel } from './stages/request-tunnel.js';
import { SessionManager } from './pool/session-manager.js';
import { dialXhttp } from './xhttp/dial-xhttp.js';

/** Options of {@link dial}. */
export interface DialOptions {
  /** The session cache to use. Default: one process-wide manager whose idle sessions do not keep the process alive. */
  readonly manager?: SessionManager;
}

let shared: SessionManager | undefined;

/** The process-wide manager used when {@link DialOptions.manager} is not given. */
export function defaultSessionManager(): SessionManager {
  shared ??= new SessionManager();
  return shared;
}

/**
 * Opens one tunnel: session (connect → TLS verify → ALPN h2, or an existing session) → PUT → status
 * 200 → {@link Connection}. Cold: subscribing dials, unsubscribing before it emits cancels and leaves
 * no stream or socket behind. Errors are typed {@link TransportError}s, so RxJS operators compose.
 * With `settings.xhttp` it speaks Xray's XHTTP instead (see `dialXhttp`); the Connection is the same.
 *
 * @example
 * ```ts
 * dial('tunnel.test:443', { host: ['tunnel.test'], path: '/tun', tls: {} })
 *   .pipe(retry({ count: 3, delay: 100 }), timeout(5_000))
 *   .subscribe((conn) => conn.toDuplex().pipe(process.stdout));
 * ```
 */
export function dial(destination: Destination, settings: DialSettings, options: DialOptions = {}): Observable<Connection> {
  return defer(() => {
    if (typeof settings === 'object' && settings !== null && settings.xhttp !== undefined) {
      const manager = options.manager ?? defaultSessionManager();
      return dialXhttp(destination, settings, manager).pipe(reportTunnel(manager, label(destination)));
    }
    const plan = pipe(
      destinationOf(destination),
      E.flatMap((target) =>
        pipe(
          resolveDialSettings(settings),
          E.map((resolved) => ({ target, resolved })),
        ),
      ),
    );
    if (E.isLeft(plan)) return throwError(() => plan.left);
    const { target, resolved } = plan.right;
    const manager = options.manager ?? defaultSessionManager();
    return manager.lease(target, resolved).pipe(
      switchMap((lease) => requestTunnel(lease, formatHostPort(target), resolved)),
      // A request the server never processed (refused past a GOAWAY, or sent as the session closed) is
      // safe to send again; the failed session is evicted, so the retry leases a fresh one.
      retry({ count: 2, delay: (error: unknown) => (wasNotProcessed(error) ? of(0) : throwError(() => error)) }),
      reportTunnel(manager, formatHostPort(target)),
    );
  });
}

/**
 * {@link dial} that never errors: emits `right(connection)` or `left(error)`.
 *
 * @example
 * ```ts
 * dialEither(dest, settings).subscribe(E.match((e) => log(e.severity, e.message), useConnection));
 * ```
 */
export function dialEither(destination: Destination, settings: DialSettings, options: DialOptions = {}): Observable<E.Either<TransportError, Connection>> {
  return dial(destination, settings, options).pipe(
    map((connection) => E.right(connection)),
    catchError((error: unknown) => of(E.left(fromNodeError(error, label(destination))))),
  );
}

function label(destination: Destination): string {
  const parsed = destinationOf(destination);
  return E.isRight(parsed) ? formatHostPort(parsed.right) : 'destination';
}
