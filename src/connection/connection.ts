import type { Http2Session } from 'node:http2';
import { addAbortSignal, type Duplex } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import { Observable, Subject, type Observer } from 'rxjs';
import { overflow, sessionClosed, usageError, type TransportError } from '../errors/transport-error.js';
import { fromNodeError } from '../errors/node-errors.js';
import { closeReason } from './close-reason.js';
import { pullChunks } from './pull-chunks.js';
import { pushInput } from './push-input.js';
import { watchPeerEnd } from './peer-end.js';
import { sendSource, type SendSource } from './send-source.js';
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
 * Bytes a push source (`input`, `send(observable)`) may have written beyond what the tunnel took (its
 * HTTP/2 window): past it the tunnel fails with {@link Overflow} instead of growing without bound.
 */
export const MAX_PUSHED_BYTES = 8 * 1024 * 1024;

/**
 * One tunnel: the bytes of one HTTP/2 stream, pushed (`output`, `input`), pulled (`for await`,
 * {@link Connection.write}, {@link Connection.send} of an iterable) or as a Node `Duplex`. Use one way
 * per direction.
 *
 * Down: `output` emits chunks as they arrive while subscribed (the stream is paused when nobody listens);
 * `for await (const chunk of connection)` reads one chunk at a time, so a slow consumer holds the peer
 * back and memory stays flat. Up: `write()` and `send(iterable)` wait for the tunnel; `input.next()` and
 * `send(observable)` write at once, up to {@link MAX_PUSHED_BYTES} ahead of it. Writes after `end()` or
 * `close()` are a {@link UsageError}; {@link Connection.done} always resolves, `left` whenever bytes were lost.
 *
 * @example
 * ```ts
 * dial('tunnel.test:443', settings).subscribe(async (conn) => {
 *   await conn.write(Buffer.from('hello'));
 *   await conn.end();
 *   for await (const chunk of conn) console.log(chunk.length);
 * });
 * ```
 */
export class Connection implements AsyncIterable<Buffer> {
  /** Incoming bytes; completes when the peer ends its side, errors with a {@link TransportError}. */
  readonly output: Observable<Buffer>;
  /**
   * Outgoing bytes, pushed: `next` writes at once (throws a {@link UsageError} after `end()` or `close()`;
   * after a failure the chunk is dropped, the failure being on `done`), `complete` half-closes, `error`
   * resets the stream. More than {@link MAX_PUSHED_BYTES} ahead of the tunnel fails it with Overflow.
   */
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
  private readonly peerEnded: () => boolean;
  private readonly session: Http2Session | undefined;
  private failed: TransportError | undefined;
  private closedLocally = false;
  private ending: Promise<void> | undefined;
  private result: ConnectionResult | undefined;
  private listeners = 0;
  private accept: (accepted: boolean) => void = () => undefined;

  constructor(
    private readonly stream: TunnelStream,
    readonly info: ConnectionInfo,
    readonly address: string,
    answered = true,
  ) {
    this.session = stream.session;
    this.accepted = answered ? Promise.resolve(true) : new Promise((resolve) => (this.accept = resolve));
    this.peerEnded = watchPeerEnd(stream, () => this.failed ?? this.unexpectedClose());
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
    this.input = pushInput(this);
  }

  /** The failure recorded so far, if any. */
  get failure(): TransportError | undefined {
    return this.failed;
  }

  /** Writes a chunk; resolves once the stream can take more, so awaiting writers keep memory bounded. */
  write(chunk: Uint8Array): Promise<void> {
    const refusal = this.writeRefusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    if (this.stream.write(chunk)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const drained = () => {
        this.stream.off('close', closed);
        resolve();
      };
      // Closed before the chunk was flushed: it was not delivered, so the writer must not go on as if it were.
      const closed = () => {
        this.stream.off('drain', drained);
        reject(this.lostBecause('tunnel closed before the write was flushed'));
      };
      this.stream.once('drain', drained);
      this.stream.once('close', closed);
    });
  }

  /**
   * Writes a chunk at once, within {@link MAX_PUSHED_BYTES} of what the tunnel took: what `input.next`
   * does. Throws a {@link UsageError} after `end()` or `close()`; after a failure the chunk is dropped.
   */
  push(chunk: Uint8Array): void {
    const refusal = this.writeRefusal();
    if (refusal !== undefined) {
      if (refusal._tag === 'UsageError') throw refusal;
      return;
    }
    this.stream.write(chunk);
    if (this.stream.writableLength > MAX_PUSHED_BYTES) this.close(overflow(MAX_PUSHED_BYTES));
  }

  /**
   * Sends every chunk of `source`, then half-closes; completes once END_STREAM was written, errors with
   * the typed reason otherwise. Pass an async iterable (a file stream, a generator) for a producer of any
   * speed: it is pulled chunk by chunk and memory stays flat. An Observable is pushed, within
   * {@link MAX_PUSHED_BYTES}. Unsubscribing stops sending; the tunnel stays open.
   *
   * @example
   * ```ts
   * connection.send(createReadStream('big.iso')).subscribe({ complete: () => console.log('all sent') });
   * ```
   */
  send(source: SendSource): Observable<never> {
    return sendSource(this, source);
  }

  /** Half-closes: sends END_STREAM and keeps reading. Resolves once END_STREAM was written; rejects with why it was not. */
  end(): Promise<void> {
    if (this.ending !== undefined) return this.ending;
    const refusal = this.writeRefusal();
    if (refusal !== undefined) return (this.ending = Promise.reject(refusal));
    this.ending = new Promise<void>((resolve, reject) => {
      const settle = (error?: Error | null) => {
        if (error === undefined || error === null) return resolve();
        // Node can report a stream destroyed right after its END_STREAM left (both sides ended, the stream
        // closed before 'finish'): a stream that closed cleanly with the peer's end did get ours.
        void this.done.then((result) =>
          E.isRight(result) && !this.closedLocally
            ? resolve()
            : reject(this.failed ?? (E.isLeft(result) ? result.left : this.lostBecause('tunnel closed before its end was written'))),
        );
      };
      this.stream.once('close', () => settle(new Error('closed')));
      this.stream.end(settle);
    });
    return this.ending;
  }

  /**
   * Closes both directions now. With `reason` (any error; a non-transport one is mapped), the tunnel
   * ends with that error and the peer sees a reset; without, the tunnel ends cleanly for this side.
   */
  close(reason?: unknown): void {
    if (reason !== undefined && reason !== null) this.fail(fromNodeError(reason, this.address));
    else this.closedLocally = true;
    if (this.stream.destroyed) return;
    // Not `stream.close(code)`: Node ends the writable side first, so the peer would get END_STREAM
    // before RST_STREAM and take a cut-off upload for a complete one (and forward a clean FIN).
    // destroy() resets without ending: INTERNAL_ERROR with a reason, CANCEL for an AbortError.
    if (this.failed !== undefined) return void this.stream.destroy(this.failed);
    const abort = new AbortController();
    addAbortSignal(abort.signal, this.stream);
    abort.abort();
  }

  /**
   * Reads the tunnel one chunk at a time: the peer is held back while the loop body runs, so memory stays
   * flat whatever the consumer's speed. Throws the typed reason when the tunnel was cut off; leaving the
   * loop early closes the tunnel.
   */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return pullChunks(
      this.stream,
      () => this.close(),
      (error) => this.failed ?? fromNodeError(error, this.address),
    );
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
    this.failed ??= error;
  }

  /** Why a write cannot go out now: the failure, a write after end() or close(), or a closed stream. */
  private writeRefusal(): TransportError | undefined {
    if (this.failed !== undefined) return this.failed;
    if (this.closedLocally) return usageError('write after close(): the tunnel was closed by this side');
    if (this.ending !== undefined || this.stream.writableEnded) return usageError('write after end(): the tunnel was half-closed by this side');
    if (this.stream.destroyed || this.stream.closed) return this.lostBecause('tunnel is closed');
    return undefined;
  }

  private lostBecause(detail: string): TransportError {
    return this.failed ?? (this.result !== undefined && E.isLeft(this.result) ? this.result.left : sessionClosed(detail));
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
    const error = this.failed ?? this.unexpectedClose();
    if (error === undefined) {
      this.outputSubject.complete();
      return E.right(undefined);
    }
    this.outputSubject.error(error);
    return E.left(error);
  }

  private unexpectedClose(): TransportError | undefined {
    return closeReason(this.stream, { closedLocally: this.closedLocally, peerEnded: this.peerEnded(), session: this.session });
  }
}
