import type { ClientHttp2Stream, IncomingHttpHeaders } from 'node:http2';
import * as E from 'fp-ts/lib/Either.js';
import { Observable } from 'rxjs';
import type { ResolvedDialSettings } from '../../settings/settings.js';
import { Connection } from '../../connection/connection.js';
import { sessionClosed, timeout, type TransportError } from '../../errors/transport-error.js';
import { fromNodeError } from '../../errors/node-errors.js';
import { tunnelRequestHeaders } from '../../protocol/v2ray-http/request-headers.js';
import { checkStatus } from '../../protocol/v2ray-http/status.js';
import type { SessionLease } from '../pool/session-manager.js';

/**
 * Opens one tunnel on a leased session: the request (PUT, random `:authority`, path), then the status
 * check. Emits the {@link Connection} on 200, or at once with `zeroRtt` (a non-200 then fails it).
 * Unsubscribing before it emits resets the stream. A failure evicts the session, as Xray does, so a
 * broken or misrouted session is not reused; the slot is released when the stream closes.
 */
export function requestTunnel(lease: SessionLease, address: string, settings: ResolvedDialSettings): Observable<Connection> {
  return new Observable<Connection>((subscriber) => {
    const headers = tunnelRequestHeaders(settings);
    let stream: ClientHttp2Stream;
    try {
      stream = lease.session.request(headers, { endStream: false });
    } catch (error) {
      // Node throws here once the session got GOAWAY or is closing.
      const reason = fromNodeError(error, address);
      lease.release();
      lease.evict(reason);
      subscriber.error(reason);
      return;
    }
    stream.once('close', () => lease.release());
    const info = { remoteAddress: address, authority: headers[':authority'] as string, path: settings.path, session: lease.sessionId };
    const connection = new Connection(stream, info, address, !settings.zeroRtt);
    let handedOff = false;
    let answered = false;
    let cancelled = false;

    const fail = (reason: TransportError) => {
      clearTimeout(timer);
      lease.evict(reason);
      connection.close(reason);
      if (!handedOff) subscriber.error(reason);
    };
    const handOff = () => {
      handedOff = true;
      subscriber.next(connection);
      subscriber.complete();
    };
    const timer = setTimeout(() => fail(timeout('waiting for the tunnel response', settings.responseTimeoutMs)), settings.responseTimeoutMs);

    stream.once('response', (response: IncomingHttpHeaders) => {
      answered = true;
      clearTimeout(timer);
      const status = checkStatus(Number(response[':status']));
      if (E.isLeft(status)) return fail(status.left);
      connection.markAccepted();
      if (!handedOff) handOff();
    });
    void connection.done.then((result) => {
      clearTimeout(timer);
      // A tunnel the user cancelled says nothing about the session: evicting here would tie the shared
      // session's life to one dial's cancellation.
      if (answered || handedOff || cancelled) return;
      const reason = E.isLeft(result) ? result.left : sessionClosed('stream closed before the response');
      lease.evict(reason);
      subscriber.error(reason);
    });
    if (settings.zeroRtt) handOff();

    return () => {
      clearTimeout(timer);
      if (handedOff) return;
      cancelled = true;
      connection.close();
    };
  });
}
