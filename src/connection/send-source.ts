import { isObservable, Observable, takeWhile } from 'rxjs';
import { fromNodeError } from '../errors/node-errors.js';

/** What {@link sendSource} needs of a connection. */
export interface SendTarget {
  /** Writes at once, within the push bound; throws a UsageError after end() or close(). */
  push(chunk: Uint8Array): void;
  /** Resolves once the stream can take more. */
  write(chunk: Uint8Array): Promise<void>;
  /** Resolves once END_STREAM was written. */
  end(): Promise<void>;
  /** Closes the tunnel with `reason`. */
  close(reason?: unknown): void;
  /** The tunnel's failure so far. */
  readonly failure: Error | undefined;
  readonly address: string;
}

/** Bytes to send: pulled (an async or sync iterable: flat memory) or pushed (an Observable: bounded). */
export type SendSource = Observable<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Sends every chunk of `source`, then half-closes; completes once END_STREAM was written. An iterable is
 * pulled one chunk per drained write, so memory stays flat whatever its speed. An Observable cannot be
 * told to slow down: its chunks are written as they come, within the connection's push bound, past which
 * the tunnel fails with Overflow. Unsubscribing stops sending without ending the tunnel.
 *
 * @example
 * ```ts
 * sendSource(connection, createReadStream('big.iso')).subscribe({ complete: () => console.log('all sent') });
 * ```
 */
export function sendSource(target: SendTarget, source: SendSource): Observable<never> {
  return isObservable(source) ? pushAll(target, source) : pullAll(target, source);
}

function pushAll(target: SendTarget, source: Observable<Uint8Array>): Observable<never> {
  return new Observable<never>((subscriber) => {
    let refused: unknown;
    return (
      source
        // Stops the source at the first refusal, a synchronous one included (its error below would come
        // only after it had produced every chunk for nothing).
        .pipe(takeWhile(() => refused === undefined && target.failure === undefined))
        .subscribe({
          next: (chunk) => {
            try {
              target.push(chunk);
            } catch (error) {
              refused = error;
            }
          },
          error: (error: unknown) => {
            const reason = fromNodeError(error, target.address);
            target.close(reason);
            subscriber.error(reason);
          },
          complete: () => {
            const failure = refused ?? target.failure;
            if (failure !== undefined) return subscriber.error(failure);
            target.end().then(
              () => subscriber.complete(),
              (error: unknown) => subscriber.error(error),
            );
          },
        })
    );
  });
}

function pullAll(target: SendTarget, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Observable<never> {
  return new Observable<never>((subscriber) => {
    let stopped = false;
    const run = async () => {
      // for await also pulls a sync iterable, one chunk at a time.
      for await (const chunk of source) {
        if (stopped) return;
        await target.write(chunk);
      }
      if (!stopped) await target.end();
    };
    run().then(
      () => subscriber.complete(),
      (error: unknown) => {
        // A source that throws leaves the upload cut short: the peer must not see a clean end.
        const reason = fromNodeError(error, target.address);
        target.close(reason);
        subscriber.error(reason);
      },
    );
    return () => {
      stopped = true;
    };
  });
}
