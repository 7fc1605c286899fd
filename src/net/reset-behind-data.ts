import { readSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { Readable } from 'node:stream';

// A zero-length write asks the kernel about the connection without sending anything: it fails with the
// socket's pending error (ECONNRESET) once a reset arrived, with EPIPE once the connection can take no
// more bytes, and succeeds on a connection that only got the peer's FIN (CLOSE_WAIT still writes).
const NOTHING = Buffer.alloc(0);

/**
 * Makes `socket` report a reset that arrived right behind its data as the error it is, never as an end
 * of data. libuv reads the data, sees POLLHUP and reports EOF without reading again, so Node emits
 * `'end'` for a peer that reset (SO_LINGER 0, a crash) whenever the data and the RST arrive in the same
 * wake-up; the kernel still holds ECONNRESET. Before the end is passed on, one zero-length write (one
 * system call per connection, at its end) asks the kernel; a reset destroys the socket with ECONNRESET
 * instead, so no reader (`pipe()`, the bridge, the 0-RTT phase) can take it for a clean end. Idempotent.
 *
 * @example
 * ```ts
 * revealResetBehindData(socket);
 * socket.on('error', (error) => tunnel.close(socketFailed('local', error))); // a reset, even behind data
 * ```
 */
export function revealResetBehindData(socket: Socket): void {
  if (socket.push !== checkedPush) socket.push = checkedPush;
}

/**
 * The reset the kernel holds for `socket`, which just reported an end of data; undefined for a clean
 * end (a FIN), or when it cannot tell (no descriptor: a closed socket, or not a Unix one).
 *
 * @example
 * ```ts
 * socket.once('end', () => console.log(resetBehindEnd(socket)?.code ?? 'FIN'));
 * ```
 */
export function resetBehindEnd(socket: Socket): NodeJS.ErrnoException | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return undefined;
  // After our own FIN a write fails with EPIPE even on a clean end, and Node builds an error for it each
  // time: a one-byte read asks instead. Past the peer's FIN nothing is left to read and it returns 0
  // without an error; a reset still fails it with ECONNRESET.
  const code = socket.writableEnded ? readProbe(fd) : probe(fd);
  if (code === null || code === 'EBADF' || code === 'EAGAIN' || (code === 'EPIPE' && socket.writableEnded)) return undefined;
  // EPIPE with our side still open: the reset's error was taken by an earlier write, the connection is gone all the same.
  return connectionReset(code === 'EPIPE' || code === undefined ? 'ECONNRESET' : code);
}

// A zero-length write: null when it succeeds, else the error code. The error is read for its code alone,
// and Node builds it with the whole stack (~20 µs; after our own FIN every probe throws EPIPE, so a tunnel
// whose target closed after us paid that each time): it is built without one, ~5 µs.
function probe(fd: number): string | undefined | null {
  const quiet = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')?.writable === true;
  const limit = Error.stackTraceLimit;
  try {
    if (quiet) Error.stackTraceLimit = 0;
    writeSync(fd, NOTHING);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  } finally {
    if (quiet) Error.stackTraceLimit = limit;
  }
}

// A one-byte read at the end of the data: null when it reads the end (0 bytes), else the error code. Only
// asked once the stream saw its end, so there is no byte left for it to take.
function readProbe(fd: number): string | undefined | null {
  try {
    return readSync(fd, ONE_BYTE, 0, 1, null) === 0 ? null : undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}
const ONE_BYTE = Buffer.alloc(1);

function checkedPush(this: Socket, chunk: unknown, encoding?: BufferEncoding): boolean {
  if (chunk === null) {
    const reset = resetBehindEnd(this);
    if (reset !== undefined) {
      this.destroy(reset);
      return false;
    }
  }
  return Readable.prototype.push.call(this, chunk, encoding);
}

// As Node reports a reset its own read saw, so loggers and `fromNodeError` treat both alike.
function connectionReset(code: string): NodeJS.ErrnoException {
  const errno = (constants.errno as Record<string, number | undefined>)[code];
  return Object.assign(new Error(`read ${code}`), { code, syscall: 'read', ...(errno === undefined ? {} : { errno: -errno }) });
}
