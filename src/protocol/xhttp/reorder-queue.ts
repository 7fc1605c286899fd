/** Where a packet with a given seq stands in a {@link ReorderQueue}. */
export type PacketPlace =
  /** Inside the window: it is kept until its turn. */
  | 'in-window'
  /** Already delivered or already held: dropped, so a retried POST is harmless (as Xray). */
  | 'duplicate'
  /** Beyond the window: its sender waits until the reader catches up. */
  | 'ahead'
  /** So far ahead that no honest client gets there: the session is torn down (Xray: "packet queue is too large"). */
  | 'too-far';

/**
 * The packets of one packet-up upload, put back in seq order. It holds at most `window` packets: seqs
 * from the next one to deliver up to `window - 1` past it. A packet further ahead is not taken until the
 * reader catches up (its POST waits, its body unread); one `farLimit` or more ahead is refused. So memory
 * is bounded by `window` packets whatever a client sends, and a missing packet can always be taken.
 *
 * @example
 * ```ts
 * const queue = new ReorderQueue(30);
 * queue.put(1, Buffer.from('b'));
 * queue.put(0, Buffer.from('a'));
 * queue.take(); // 'a'
 * queue.take(); // 'b'
 * queue.take(); // undefined: seq 2 has not come
 * ```
 */
export class ReorderQueue {
  // Made by a packet kept, dropped once all are taken: a held tunnel that sent its packets keeps no empty table.
  private held: Map<number, Buffer> | undefined;
  private nextSeq = 0;
  private bytes = 0;

  /** `farLimit`: how far past the next seq a packet may be before it is refused. Default 8 windows. */
  constructor(
    readonly window: number,
    readonly farLimit: number = window * 8,
  ) {}

  /** The seq the reader takes next. */
  get next(): number {
    return this.nextSeq;
  }

  /** Packets held, in order or not. */
  get size(): number {
    return this.held?.size ?? 0;
  }

  /** Bytes held. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Whether the next packet in order has come (the reader can take something). */
  get ready(): boolean {
    return this.held?.has(this.nextSeq) ?? false;
  }

  /** Where a packet with `seq` would go now. */
  place(seq: number): PacketPlace {
    if (seq < this.nextSeq || this.held?.has(seq) === true) return 'duplicate';
    if (seq < this.nextSeq + this.window) return 'in-window';
    return seq < this.nextSeq + this.farLimit ? 'ahead' : 'too-far';
  }

  /** Keeps `payload` if its seq is in the window; returns where it went (only `in-window` keeps it). */
  put(seq: number, payload: Buffer): PacketPlace {
    const place = this.place(seq);
    if (place !== 'in-window') return place;
    (this.held ??= new Map()).set(seq, payload);
    this.bytes += payload.length;
    return place;
  }

  /** The next packet in order, if it has come; an empty packet just moves the seq on, as in Xray. */
  take(): Buffer | undefined {
    for (;;) {
      const held = this.held;
      const payload = held?.get(this.nextSeq);
      if (held === undefined || payload === undefined) return undefined;
      held.delete(this.nextSeq);
      if (held.size === 0) this.held = undefined;
      this.nextSeq += 1;
      this.bytes -= payload.length;
      if (payload.length > 0) return payload;
    }
  }

  /** Drops everything held (the session ended). */
  clear(): void {
    this.held = undefined;
    this.bytes = 0;
  }
}
