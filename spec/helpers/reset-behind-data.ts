import type { Socket } from 'node:net';

/**
 * Writes `bytes` bytes and, once the kernel has them, resets the connection: `resetAndDestroy()` sets
 * SO_LINGER 0 and closes, so the peer gets the data followed by a TCP RST and no FIN. That is how a
 * crashing or aborting program ends a connection, and the honest way for a test to make a reset.
 *
 * @example
 * ```ts
 * await sendThenReset(socket, 30_720); // the peer must see a reset, never a clean end
 * ```
 */
export function sendThenReset(socket: Socket, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    socket.on('error', () => undefined);
    socket.write(Buffer.alloc(bytes, 0x61), () => {
      socket.resetAndDestroy();
      resolve();
    });
  });
}
