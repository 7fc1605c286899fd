import type { ClientHttp2Stream, IncomingHttpHeaders } from 'node:http2';
import * as E from 'fp-ts/lib/Either.js';
import { Observable, type Subscriber } from 'rxjs';
import type { ResolvedDialSettings } from '../../settings/settings.js';
import { Connection } from '../../connection/connection.js';
import { sessionClosed, timeout, type TransportError } from '../../errors/transport-error.js';
import { fromNodeError } from '../../errors/node-errors.js';
import { tunnelRequestHeaders } from '../../protocol/v2ray-http/request-headers.js';
import { checkStatus } from '../../protocol/v2ray-http/status.js';
import type { SessionLease } from '../pool/session-lease.js';
import { isDetached } from '../detach.js';
import { bulkCapOf } from '../../session/bulk-cap.js';

/**
 * Opens one tunnel on a leased session: the request (PUT, random `:authority`, path), then the status
 * check. Emits the {@link Connection} on 200, or at once with `zeroRtt` (a non-200 or no answer within
 * `responseTimeoutMs` then fails it), and completes when the tunnel's stream closes. Unsubscribing
 * resets the stream (CANCEL) unless the connection was {@link detach}ed. A failure evicts the session,
 * as Xray does, so a broken or misrouted session is not reused; the slot is released when the stream closes.
 */
export function requestTunnel(lease: SessionLease, address: string, settings: ResolvedDialSettings): Observable<Connection> {
  return new Observable<Connection>((subscriber) => {
    let stream: ClientHttp2Stream;
    const headers = tunnelRequestHeaders(settings);
    try {
      stream = lease.session.request(headers, { endStream: false });
      bulkCapOf(lease.session)?.watch(stream);
    } catch (error) {
      // Node throws here once the session got GOAWAY or is closing.
      const reason = fromNodeError(error, address);
      lease.release();
      lease.evict(reason);
      subscriber.error(reason);
      return;
    }
    const request = new TunnelRequest(lease, stream, headers[':authority'] as string, address, settings, subscriber);
    return () => request.unsubscribed();
  });
}

/** Where one tunnel request stands. */
type RequestState =
  /** The request is out; no response yet and the caller has nothing. */
  | { readonly kind: 'awaiting-response' }
  /** 0-RTT: the caller has the {@link Connection}; the response is still to come. */
  | { readonly kind: 'handed-off-early' }
  /** Answered 200 and handed over. */
  | { readonly kind: 'open' }
  /** Before the hand-off: a non-200, the response deadline, or the stream ended before any answer. */
  | { readonly kind: 'failed' }
  /** The subscriber left; the stream was reset. */
  | { readonly kind: 'cancelled' }
  /** The stream closed after the hand-off: the tunnel is over. */
  | { readonly kind: 'ended' };

class TunnelRequest {
  private state: RequestState = { kind: 'awaiting-response' };
  private readonly connection: Connection;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly lease: SessionLease,
    stream: ClientHttp2Stream,
    authority: string,
    address: string,
    private readonly settings: ResolvedDialSettings,
    private readonly subscriber: Subscriber<Connection>,
  ) {
    stream.once('close', () => lease.release());
    const info = { remoteAddress: address, authority, path: settings.path, session: lease.sessionId };
    this.connection = new Connection(stream, info, address, !settings.zeroRtt);
    this.timer = setTimeout(() => this.fail(timeout('waiting for the tunnel response', settings.responseTimeoutMs)), settings.responseTimeoutMs);
    stream.once('response', (response: IncomingHttpHeaders) => this.answered(Number(response[':status'])));
    void this.connection.done.then((result) => this.streamClosed(result));
    if (settings.zeroRtt) this.handOff({ kind: 'handed-off-early' });
  }

  /** The teardown: the tunnel lives as long as the subscription, unless the caller detached it. */
  unsubscribed(): void {
    switch (this.state.kind) {
      case 'handed-off-early':
      case 'open':
        // A detached 0-RTT connection keeps its response deadline: the timer stays.
        if (isDetached(this.connection)) return;
        break;
      case 'awaiting-response':
        break;
      case 'failed':
      case 'cancelled':
      case 'ended':
        return;
    }
    clearTimeout(this.timer);
    this.state = { kind: 'cancelled' };
    this.connection.close();
  }

  private answered(status: number): void {
    clearTimeout(this.timer);
    if (this.state.kind === 'failed' || this.state.kind === 'cancelled' || this.state.kind === 'ended') return;
    const checked = checkStatus(status);
    if (E.isLeft(checked)) return this.fail(checked.left);
    this.connection.markAccepted();
    const early = this.state.kind === 'handed-off-early';
    this.state = { kind: 'open' };
    if (!early) this.handOff({ kind: 'open' });
  }

  private handOff(next: RequestState): void {
    this.state = next;
    this.subscriber.next(this.connection);
  }

  private fail(reason: TransportError): void {
    clearTimeout(this.timer);
    this.lease.evict(reason);
    // Once handed off, the connection carries the failure and the dial completes when its stream closes.
    const handedOff = this.state.kind === 'handed-off-early' || this.state.kind === 'open';
    if (!handedOff) this.state = { kind: 'failed' };
    this.connection.close(reason);
    if (!handedOff) this.subscriber.error(reason);
  }

  private streamClosed(result: E.Either<TransportError, void>): void {
    clearTimeout(this.timer);
    // Once handed off, the connection reports its own end; the dial is over.
    if (this.state.kind === 'handed-off-early' || this.state.kind === 'open') {
      this.state = { kind: 'ended' };
      return this.subscriber.complete();
    }
    // A tunnel the user cancelled says nothing about the session: evicting here would tie the shared
    // session's life to one dial's cancellation.
    if (this.state.kind !== 'awaiting-response') return;
    const reason = E.isLeft(result) ? result.left : sessionClosed('stream closed before the response');
    this.state = { kind: 'failed' };
    this.lease.evict(reason);
    this.subscriber.error(reason);
  }
}
