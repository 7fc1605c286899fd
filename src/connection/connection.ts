import { constants, type Http2Session } from 'node:http2';
import { addAbortSignal, type Duplex } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import { concatMap, from, ignoreElements, Observable, Subject, type Observer } from 'rxjs';
import { sessionClosed, streamReset, type TransportError } from '../errors/transport-error.js';
import { fromNodeError } from '../errors/node-errors.js';
import { watchPeerEnd } from './peer-end.js';
import { connectionLost, sessionFailure } from '../session/session-failure.js';
import type { TunnelStream } from './tunnel-stream.js';

/** What is known about a tunnel's far end. */
export interface ConnectionInfo {
  /** The peer's address: the first `X-Forwarded-For` IP on a server behind a proxy. */
  readonly remoteAddress: string | undefined;
  /** The `:authority` the tunnel was requested with. */
  readonly authority: string | undefined;
  /** The request path. */
  readonly path: string | undefined;
  /** The id of the HTTP/2 session the tunnel rides on, as the session events report it. */
  readonly session: number | undefined;
}

/** How a tunnel ended: `right` when both directions finished or it was closed locally. */
export type ConnectionResult = E.Either<TransportError, void>;

/**
 * One tunnel: the bytes of one HTTP/2 stream, as subject-backed observables and as a Node `Duplex`.
 *
 * `output` emits incoming chunks while subscribed (the stream is paused when nobody listens, so
 * HTTP/2 flow control holds the peer back); `input` and {@link Connection.write} send bytes up;
 * completing `input` or calling {@link Connection.end} half-closes. {@link Connection.done} always
 * resolves, with the typed error when the tunnel did not carry every byte.
 *
 * @example
 * ```ts
 * dial('tunnel.test:443', settings).subscribe((conn) => {
 *   conn.output.subscribe((chunk) => console.log(chunk.length));
 *   conn.input.next(Buffer.from('hello'));
 *   conn.input.complete();
 * });
 * ```
 */
export class Connection {
  /** Incoming bytes; completes when the peer ends its side, errors with a {@link TransportError}. */
  readonly output: Observable<Buffer>;
  /** Outgoing bytes: `next` writes, `complete` half-closes, `error` resets the stream. */
  readonly input: Observer<Uint8Array>;
  /** Resolves when the stream is closed, with why. Never rejects. */
  readonly done: Promise<ConnectionResult>;
  /**
   * Resolves `true` once the server accepted the tunnel (its 200), `false` if the tunnel ended before
   * that. Already `true` on the server side and for a dial that waited for the 200; with `zeroRtt` it
   * says when the bytes sent so far are known to have reached a tunnel the server took.
   */
  readonly accepted: Promise<boolean>;

  private readonly outputSubject = new Subject<Buffer>();
  private readonly session: Http2Session | undefined;
  private readonly peerEnded: () => boolean;
  private failure: TransportError | undefined;
  private closedLocally = false;
  private result: ConnectionResult | undefined;
  private listeners = 0;
  private accept: (accepted: boolean) => void = () => undefined;

  constructor(
    private readonly stream: TunnelStream,
    readonly info: ConnectionInfo,
    private readonly address: string,
    answered = true,
  ) {
    this.session = stream.session;
    this.accepted = answered ? Promise.resolve(true) : new Promise((resolve) => (this.accept = resolve));
    this.peerEnded = watchPeerEnd(stream, () => this.failure ?? this.unexpectedClose());
    // After a local close() the stream reports its own abort as an error: that is not a failure.
    stream.on('error', (error) => this.closedLocally || this.fail(fromNodeError(error, address)));
    this.done = new Promise((resolve) =>
      stream.once('close', () => {
        this.accept(false);
        resolve((this.result = this.settle()));
      }),
    );
    this.output = new Observable<Buffer>((subscriber) => {
      const inner = this.outputSubject.subscribe(subscriber);
      if (++this.listeners === 1) this.flow(true);
      return () => {
        inner.unsubscribe();
        if (--this.listeners === 0) this.flow(false);
      };
    });
    const input = new Subject<Uint8Array>();
    input.subscribe({
      next: (chunk) => this.writable() && stream.write(chunk),
      complete: () => void this.end(),
      // An errored input is a failed tunnel, whatever was thrown: the peer must not see a clean end.
      error: (error: unknown) => this.close(fromNodeError(error, address)),
    });
    this.input = input;
  }

  /** Writes a chunk; resolves once the stream can take more, so awaiting writers keep memory bounded. */
  write(chunk: Uint8Array): Promise<void> {
    if (!this.writable()) return Promise.reject(this.failure ?? sessionClosed('tunnel is closed'));
    if (this.stream.write(chunk)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const drained = () => {
        this.stream.off('close', closed);
        resolve();
      };
      // Closed before the chunk was flushed: it was not delivered, so the writer must not go on as if it were.
      const closed = () => {
        this.stream.off('drain', drained);
        reject(
          this.failure ?? (this.result !== undefined && E.isLeft(this.result) ? this.result.left : sessionClosed('tunnel closed before the write was flushed')),
        );
      };
      this.stream.once('drain', drained);
      this.stream.once('close', closed);
    });
  }

  /**
   * Sends every chunk of `source` with backpressure (each write waits for drain), then half-closes.
   * The returned observable completes when all is handed to the stream, and errors if the tunnel dies.
   * An Observable cannot be told to slow down: chunks a hot source pushes while a write waits are
   * queued in memory, so feed a fast producer through {@link Connection.write} or `toDuplex()` instead.
   *
   * @example
   * ```ts
   * connection.send(from(chunks)).subscribe({ complete: () => console.log('all sent') });
   * ```
   */
  send(source: Observable<Uint8Array>): Observable<never> {
    return new Observable<never>((subscriber) =>
      source
        .pipe(
          concatMap((chunk) => from(this.write(chunk))),
          ignoreElements(),
        )
        .subscribe({
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            void this.end().then(() => subscriber.complete());
          },
        }),
    );
  }

  /** Half-closes: sends END_STREAM and keeps reading. */
  end(): Promise<void> {
    if (!this.writable()) return Promise.resolve();
    return new Promise((resolve) => this.stream.end(resolve));
  }

  /** Closes both directions now. With `reason`, the tunnel ends with that error; without, cleanly. */
  close(reason?: TransportError): void {
    if (reason !== undefined) this.fail(reason);
    else this.closedLocally = true;
    if (this.stream.destroyed) return;
    // Not `stream.close(code)`: Node ends the writable side first, so the peer would get END_STREAM
    // before RST_STREAM and take a cut-off upload for a complete one (and forward a clean FIN).
    // destroy() resets without ending: INTERNAL_ERROR with a reason, CANCEL for an AbortError.
    if (reason !== undefined) return void this.stream.destroy(reason);
    const abort = new AbortController();
    addAbortSignal(abort.signal, this.stream);
    abort.abort();
  }

  /**
   * The tunnel as a Node `Duplex`, for `pipe`/`pipeline` code; backpressure is the stream's own.
   * Use either this or `output`/`input`, not both. Errors on the duplex are Node's; `done` has the typed one.
   */
  toDuplex(): Duplex {
    return this.stream;
  }

  /** The server's 200 arrived for a connection handed out before it (`zeroRtt`). @internal */
  markAccepted(): void {
    this.accept(true);
  }

  /** True once the tunnel's stream is closed: nothing more goes either way. */
  get closed(): boolean {
    return this.stream.destroyed || this.stream.closed;
  }

  /** Marks the tunnel failed with `error` (the first reason wins) without closing it. */
  fail(error: TransportError): void {
    this.failure ??= error;
  }

  private writable(): boolean {
    return !this.stream.destroyed && !this.stream.writableEnded;
  }

  private flow(on: boolean): void {
    if (on) {
      this.stream.on('data', this.onData);
      this.stream.once('end', this.onEnd);
      // A 'data' listener does not restart a stream paused by an earlier unsubscribe.
      this.stream.resume();
    } else {
      this.stream.off('data', this.onData);
      this.stream.off('end', this.onEnd);
      this.stream.pause();
    }
  }

  private readonly onData = (chunk: Buffer) => this.outputSubject.next(chunk);
  // Node also ends the readable side when the stream is closed under it (reset, session destroyed):
  // only the peer's END_STREAM completes output here; otherwise settle() errors it with the reason.
  private readonly onEnd = () => {
    if (this.peerEnded()) this.outputSubject.complete();
  };

  private settle(): ConnectionResult {
    const error = this.failure ?? this.unexpectedClose();
    if (error === undefined) {
      this.outputSubject.complete();
      return E.right(undefined);
    }
    this.outputSubject.error(error);
    return E.left(error);
  }

  // A stream destroyed without an error (the socket closed cleanly, the session was torn down) has
  // still lost bytes unless the peer had ended its side: that must not look like success.
  private unexpectedClose(): TransportError | undefined {
    if (this.closedLocally) return undefined;
    // A session torn down under the stream (socket closed or reset) closes it with CANCEL: that is the
    // connection lost, not a reset the peer chose.
    const sessionError =
      this.session === undefined ? undefined : (sessionFailure(this.session) ?? (connectionLost(this.session) ? sessionClosed('connection lost') : undefined));
    const rst = this.stream.rstCode;
    if (rst !== undefined && rst !== constants.NGHTTP2_NO_ERROR) {
      return sessionError ?? streamReset(rst, 'stream reset');
    }
    if (this.peerEnded()) return undefined;
    // RST_STREAM(NO_ERROR) before END_STREAM (Node's bare stream.destroy() sends it): still cut off.
    return (
      sessionError ??
      (rst !== undefined ? streamReset(rst, 'stream reset before the peer finished sending') : sessionClosed('stream closed before the peer finished sending'))
    );
  }
}
