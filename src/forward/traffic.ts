import type { Socket } from 'node:net';

/** Bytes up and down, counting tunnels still open and those already closed. */
export interface TrafficTotals {
  readonly bytesUp: number;
  readonly bytesDown: number;
}

/**
 * Counts the bytes of bridged sockets without touching their data path: live sockets are read through
 * `bytesRead`/`bytesWritten`, closed ones are folded into totals. Up is client → server: on the client
 * the socket reads what goes up, on the server (`new Traffic('down')`) it reads what comes down.
 *
 * @example
 * ```ts
 * const traffic = new Traffic('up');
 * traffic.track(socket); // `socket` is the TCP side of a tunnel
 * traffic.totals();      // { bytesUp, bytesDown }
 * ```
 */
export class Traffic {
  private readonly live = new Set<Socket>();
  private closedUp = 0;
  private closedDown = 0;

  /** `reads`: the direction of the bytes a tracked socket reads. */
  constructor(private readonly reads: 'up' | 'down') {}

  /** Counts `socket` until it closes. */
  track(socket: Socket): void {
    this.live.add(socket);
    socket.once('close', () => {
      this.live.delete(socket);
      this.closedUp += socket.bytesRead;
      this.closedDown += socket.bytesWritten;
    });
  }

  totals(): TrafficTotals {
    let bytesUp = this.closedUp;
    let bytesDown = this.closedDown;
    for (const socket of this.live) {
      bytesUp += socket.bytesRead;
      bytesDown += socket.bytesWritten;
    }
    return this.reads === 'up' ? { bytesUp, bytesDown } : { bytesUp: bytesDown, bytesDown: bytesUp };
  }

  /** Destroys every socket still open (the end of a drain). */
  destroyAll(): void {
    for (const socket of this.live) socket.destroy();
  }
}
