import { once } from 'node:events';
import type { Socket } from 'node:net';

/** What one end of a tunnel (the app, or the forward target) is doing when the tunnel dies. */
export type EndMode =
  /** Nothing moves: the tunnel is open and quiet. */
  | 'idle'
  /** Writes as fast as it can into a far end that never reads, until every buffer on the way is full. */
  | 'flooding'
  /** Never reads, so the other end's writes back up. */
  | 'not-reading';

/** How an observed socket ended after the fault. */
export interface Ending {
  /** 'reset' for ECONNRESET, 'fin' for a clean end of data, or the other error code. */
  readonly how: string;
  /** Milliseconds from `watch()` to that ending. */
  readonly ms: number;
}

/** One end of a tunnel driven in a {@link EndMode}, whose ending the test watches. */
export interface StuckEnd {
  /** From now on, reads (so a kernel-level reset is seen) and resolves with how the socket ended. */
  watch(): Promise<Ending>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x5a);
// Longer than any bound a test asserts, so a socket left open shows as 'still open', not as a hang.
const WATCH_MS = 8_000;

/**
 * Drives `socket` in `mode`. The `flooding` writer keeps writing on every drain; `not-reading` pauses.
 *
 * @example
 * ```ts
 * const app = driveEnd(connect(clientPort), 'flooding');
 * killServer();
 * assert.equal((await app.watch()).how, 'reset');
 * ```
 */
export function driveEnd(socket: Socket, mode: EndMode, watchMs = WATCH_MS): StuckEnd {
  let stopped = false;
  let ending: { readonly how: string; readonly at: number } | undefined;
  socket.on('error', (error: NodeJS.ErrnoException) => (ending ??= { how: error.code === 'ECONNRESET' ? 'reset' : String(error.code), at: performance.now() }));
  // libuv reports a reset that arrives behind unread data as an end of data (POLLHUP after a partial
  // read), so an 'end' is checked: a write to a reset connection fails at once, one to a half-closed
  // connection goes out. Then close, so the watcher hears the ending.
  socket.on('end', () => {
    const at = performance.now();
    socket.write('?', (error?: NodeJS.ErrnoException | null) => {
      const reset = error?.code === 'EPIPE' || error?.code === 'ECONNRESET';
      ending ??= { how: reset ? 'reset' : 'fin', at };
      socket.destroy();
    });
  });
  if (mode === 'not-reading') socket.pause();
  if (mode === 'flooding') {
    const flood = () => {
      while (!stopped && !socket.destroyed && socket.write(CHUNK));
    };
    socket.on('drain', flood);
    if (socket.connecting) socket.once('connect', flood);
    else flood();
  }
  return {
    watch: async () => {
      stopped = true;
      const watchedAt = performance.now();
      socket.on('data', () => undefined);
      socket.resume();
      const timer = setTimeout(() => socket.destroy(), watchMs);
      if (!socket.destroyed) await once(socket, 'close').catch(() => undefined);
      clearTimeout(timer);
      return { how: ending?.how ?? 'still open', ms: Math.max(0, (ending?.at ?? performance.now()) - watchedAt) };
    },
  };
}
