import * as E from 'fp-ts/lib/Either.js';
import { catchError, defer, map, type Observable, of, retry, switchMap, throwError } from 'rxjs';
import { formatHostPort } from '../settings/address.js';
import { destinationOf, type Destination } from '../settings/destination.js';
import { rememberedDialSettings } from '../settings/remembered-dial-settings.js';
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
 * 200 → {@link Connection}. Cold, and the tunnel lives exactly as long as the subscription: it emits
 * the connection once and completes when the tunnel's stream closes; unsubscribing, before or after
 * the connection arrived, resets the tunnel and leaves no stream or socket behind, so `switchMap`,
 * `takeUntil`, `race` and `timeout` close what they supersede. To keep a connection past the
 * subscription, {@link detach} it (or use {@link openTunnel}).
 *
 * Errors are typed {@link TransportError}s and come only while opening; a tunnel that fails later
 * reports it on its `output` and `done`, so `retry` repeats failed opens, never a tunnel that carried bytes.
 *
 * With `settings.xhttp` it speaks Xray's XHTTP instead (see `dialXhttp`); the Connection and its lifetime are the same.
 *
 * `settings` are checked once per object (over XHTTP, per object and destination) and remembered with it (they are
 * readonly): dial again with the same object and nothing is checked twice; other settings are another object.
 *
 * @example
 * ```ts
 * dial('tunnel.test:443', { host: ['tunnel.test'], path: '/tun', tls: {} })
 *   .pipe(retry({ count: 3, delay: 100, resetOnSuccess: true }), timeout({ first: 5_000 }))
 *   .subscribe((conn) => conn.toDuplex().pipe(process.stdout));
 * ```
 */
export function dial(destination: Destination, settings: DialSettings, options: DialOptions = {}): Observable<Connection> {
  return defer(() => plannedDial(destination, settings, options)());
}

/**
 * {@link dial} with the destination and settings read once, for a caller that dials the same ones over
 * and over (the CLI's listener, once per accepted connection): each call is one dial, exactly as
 * `dial(destination, settings, options)`, without reading and checking both again (~16 µs a tunnel).
 * Settings that are wrong fail every dial with the same typed error.
 *
 * @example
 * ```ts
 * const open = plannedDial(server, settings, { manager });
 * local.on('connection', (socket) => open().subscribe((connection) => bridge(socket, connection, options)));
 * ```
 */
export function plannedDial(destination: Destination, settings: DialSettings, options: DialOptions = {}): () => Observable<Connection> {
  if (typeof settings === 'object' && settings !== null && settings.xhttp !== undefined) {
    return () => {
      const manager = options.manager ?? defaultSessionManager();
      return dialXhttp(destination, settings, manager).pipe(reportTunnel(manager, label(destination)));
    };
  }
  // Checked one after the other, not through fp-ts's flatMap: dial() plans on every call, and flatMap's
  // generic argument handling cost ~10 µs of each tunnel's CPU.
  const read = destinationOf(destination);
  if (E.isLeft(read)) return () => throwError(() => read.left);
  const checked = rememberedDialSettings(settings);
  if (E.isLeft(checked)) return () => throwError(() => checked.left);
  const target = read.right;
  const resolved = checked.right;
  const address = formatHostPort(target);
  return () => {
    const manager = options.manager ?? defaultSessionManager();
    return manager.lease(target, resolved).pipe(
      switchMap((lease) => requestTunnel(lease, address, resolved)),
      // A request the server never processed (refused past a GOAWAY, or sent as the session closed) is
      // safe to send again; the failed session is evicted, so the retry leases a fresh one.
      retry({ count: 2, delay: (error: unknown) => (wasNotProcessed(error) ? of(0) : throwError(() => error)) }),
      reportTunnel(manager, address),
    );
  };
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
