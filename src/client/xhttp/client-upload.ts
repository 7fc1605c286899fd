/** Where a client's split tunnel sends its bytes: a stream-up POST's body, or packet-up POSTs. */
export interface ClientUpload {
  /** Takes a chunk; the callback says when more may come (backpressure), or why not. */
  write(chunk: Buffer, callback: (error?: Error | null) => void): void;
  /** No more bytes: the callback once every byte went out (packet-up: every packet was answered). */
  end(callback: (error?: Error | null) => void): void;
  /** The tunnel is gone: stop, and cut what is under way. */
  abort(): void;
}
