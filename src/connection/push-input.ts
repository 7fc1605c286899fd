import type { Observer } from 'rxjs';

/** What {@link pushInput} writes into. */
export interface PushTarget {
  /** Writes at once, within the push bound; throws a UsageError after end() or close(). */
  push(chunk: Uint8Array): void;
  end(): Promise<void>;
  close(reason?: unknown): void;
}

/**
 * A connection's `input`: an Observer that pushes each chunk into the tunnel, half-closes on `complete`
 * and resets on `error`. After `complete` or `error` it ignores further calls, as rxjs's grammar says.
 *
 * @example
 * ```ts
 * from(lines).pipe(map(encode)).subscribe(pushInput(connection));
 * ```
 */
export function pushInput(target: PushTarget): Observer<Uint8Array> {
  let stopped = false;
  return {
    next: (chunk) => {
      if (!stopped) target.push(chunk);
    },
    complete: () => {
      if (stopped) return;
      stopped = true;
      // A failed end is on `done`; completing an Observer has nobody to tell.
      target.end().catch(() => undefined);
    },
    // An errored input is a failed tunnel, whatever was thrown: the peer must not see a clean end.
    error: (error: unknown) => {
      if (stopped) return;
      stopped = true;
      target.close(error ?? new Error('input errored'));
    },
  };
}
