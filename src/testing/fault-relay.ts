import * as net from 'node:net';

/**
 * One client TCP connection relayed to the inner HTTP/2 server. The relay is where transport faults
 * happen: it can go silent (stop reading and writing, keep the connection open) or reset the TCP
 * connection, neither of which a Node HTTP/2 server can do to itself.
 *
 * @example
 * ```ts
 * const relay = new FaultRelay(client, innerPort, { dropAfterBytes: 1_000 }, () => relays.delete(relay));
 * relay.silence();
 * ```
 */
export class FaultRelay {
  private readonly upstream: net.Socket;
  private bytes = 0;
  private silent = false;
  private closed = false;
  /** Resolves with the local port of the connection to the inner server once it is connected. */
  readonly innerPort: Promise<number>;

  constructor(
    private readonly client: net.Socket,
    innerPort: number,
    private readonly limits: { readonly dropAfterBytes?: number },
    private readonly onClose: () => void,
  ) {
    this.upstream = net.connect({ host: '127.0.0.1', port: innerPort, noDelay: true });
    client.setNoDelay(true);
    this.innerPort = new Promise((resolve) => this.upstream.once('connect', () => resolve(this.upstream.localPort ?? 0)));
    this.forward(client, this.upstream);
    this.forward(this.upstream, client);
    for (const socket of [client, this.upstream]) {
      socket.on('error', () => this.drop());
      socket.on('close', () => this.drop());
    }
  }

  /** Stops reading and writing both ways; the client's TCP connection stays open. */
  silence(): void {
    this.silent = true;
    this.client.pause();
    this.upstream.pause();
  }

  /** Resets the client's TCP connection (RST) and closes the inner one. */
  drop(): void {
    if (this.closed) return;
    this.closed = true;
    // resetAndDestroy() on a socket we already ended leaves its handle open (Node 20): plain destroy then.
    if (!this.client.destroyed) {
      if (this.client.writableEnded) this.client.destroy();
      else this.client.resetAndDestroy();
    }
    this.upstream.destroy();
    this.onClose();
  }

  private forward(from: net.Socket, to: net.Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.silent || this.closed) return;
      this.bytes += chunk.length;
      const limit = this.limits.dropAfterBytes;
      if (limit !== undefined && this.bytes > limit) return this.drop();
      // Backpressure: a slow reader on one side must slow the other side, not grow a buffer here.
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => !this.silent && from.resume());
      }
    });
    from.on('end', () => !this.silent && to.end());
  }
}
