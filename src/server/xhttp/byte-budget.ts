/**
 * A count of bytes shared by many holders, never above its limit: what the packets of sessions whose
 * download has not come yet may hold together, so a flood of sessions that never GET costs bounded memory.
 *
 * @example
 * ```ts
 * const budget = new ByteBudget(64 * 1024 * 1024);
 * if (budget.take(packet.length)) hold(packet); else refuse503();
 * budget.give(packet.length);
 * ```
 */
export class ByteBudget {
  private usedBytes = 0;

  constructor(readonly limit: number) {}

  /** Bytes held now. */
  get used(): number {
    return this.usedBytes;
  }

  /** Takes `bytes` if they fit; false (and nothing taken) if not. */
  take(bytes: number): boolean {
    if (this.usedBytes + bytes > this.limit) return false;
    this.usedBytes += bytes;
    return true;
  }

  /** Gives back bytes taken earlier. */
  give(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }
}
