import { sessionClosed } from '../../errors/transport-error.js';
import { ReorderQueue, type PacketPlace } from '../../protocol/xhttp/reorder-queue.js';
import type { ByteBudget } from './byte-budget.js';
import type { SplitTunnel, UploadFeed } from './split-tunnel.js';

/** What became of a packet offered to a {@link PacketUpload}. */
export type PacketOutcome = PacketPlace | 'over-budget' | 'closed';

/**
 * A packet-up upload: packets put back in seq order ({@link ReorderQueue}) and fed to the tunnel as its
 * reader asks. Until the download comes there is no tunnel: packets wait in the window, and their bytes
 * count against a budget shared by every such session.
 *
 * @example
 * ```ts
 * const upload = new PacketUpload(30, budget);
 * upload.put(0, payload); // 'in-window'
 * upload.connect(tunnel); // the download came: packets flow as the tunnel reads
 * ```
 */
export class PacketUpload implements UploadFeed {
  private readonly queue: ReorderQueue;
  private tunnel: SplitTunnel | undefined;
  private finishing = false;
  private released = false;
  // Made by the first packet that has to wait: most uploads never have one, and a held tunnel would keep an empty set.
  private waiters: Set<() => void> | undefined;

  constructor(
    window: number,
    private readonly pendingBudget: ByteBudget,
  ) {
    this.queue = new ReorderQueue(window);
  }

  /** Where a packet with `seq` would go now. */
  place(seq: number): PacketOutcome {
    return this.released ? 'closed' : this.queue.place(seq);
  }

  /** Holds a packet; only `in-window` keeps it. */
  put(seq: number, payload: Buffer): PacketOutcome {
    const place = this.place(seq);
    if (place !== 'in-window') return place;
    if (this.tunnel === undefined && !this.pendingBudget.take(payload.length)) return 'over-budget';
    this.queue.put(seq, payload);
    this.pull();
    return place;
  }

  /** Resolves once a packet with `seq` is no longer ahead of the window (or the upload is over). */
  roomFor(seq: number): Promise<PacketOutcome> {
    const place = this.place(seq);
    if (place !== 'ahead') return Promise.resolve(place);
    const waiters = (this.waiters ??= new Set());
    return new Promise((resolve) => {
      const check = () => {
        const now = this.place(seq);
        if (now === 'ahead') return;
        waiters.delete(check);
        resolve(now);
      };
      waiters.add(check);
    });
  }

  /** The download came: the tunnel reads from here on; held bytes leave the pending budget. */
  connect(tunnel: SplitTunnel): void {
    this.pendingBudget.give(this.queue.heldBytes);
    this.tunnel = tunnel;
    tunnel.attach(this);
  }

  pull(): void {
    const tunnel = this.tunnel;
    if (tunnel === undefined) return;
    const before = this.queue.next;
    while (tunnel.wants) {
      const payload = this.queue.take();
      if (payload === undefined) break;
      tunnel.deliver(payload);
    }
    if (this.queue.next !== before) this.wake();
    if (!this.finishing || this.queue.ready) return;
    // Packet-up has no end-of-upload signal: the client's end of the download ends it. A gap left then is data lost.
    if (this.queue.size === 0) tunnel.endUpload();
    else tunnel.cutUpload(sessionClosed(`the upload ended with packet ${this.queue.next} missing`));
  }

  finish(): void {
    this.finishing = true;
    this.pull();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.tunnel === undefined) this.pendingBudget.give(this.queue.heldBytes);
    this.queue.clear();
    this.wake();
  }

  private wake(): void {
    if (this.waiters === undefined || this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) waiter();
  }
}
