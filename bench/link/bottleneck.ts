/**
 * The narrowest hop of an emulated link, shared by every connection crossing it in one direction: bytes
 * leave it one after another at `bytesPerSecond`, first come first served, as through a drop-tail router
 * whose buffer holds `bufferBytes`. Without a rate it passes everything at once. Pure: the caller passes
 * the clock (ms).
 *
 * @example
 * ```ts
 * const hop = new Bottleneck(50e6, 4e6);
 * const leavesAt = hop.pass(performance.now(), chunk.length);
 * if (hop.full(performance.now())) from.pause();
 * ```
 */
export class Bottleneck {
  private departs = 0;

  constructor(
    readonly bytesPerSecond: number | undefined,
    readonly bufferBytes: number,
  ) {}

  /** When `size` bytes arriving at `now` have left the hop. */
  pass(now: number, size: number): number {
    const rate = this.bytesPerSecond;
    this.departs = Math.max(now, this.departs) + (rate === undefined ? 0 : (size / rate) * 1000);
    return this.departs;
  }

  /** How long a byte arriving at `now` would wait before it leaves, in ms. */
  backlogMs(now: number): number {
    return Math.max(0, this.departs - now);
  }

  /** True while more than the buffer waits to leave: senders must hold back. */
  full(now: number): boolean {
    const rate = this.bytesPerSecond;
    return rate !== undefined && ((this.departs - now) / 1000) * rate > this.bufferBytes;
  }
}
