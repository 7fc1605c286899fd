import { randomBytes } from 'node:crypto';

// A prime length, so no chunk size lines up with it and reordered chunks cannot compare equal.
const PERIOD = 1_000_003;
// Two copies back to back, so a slice that wraps around the period is still one subarray.
const period = randomBytes(PERIOD);
const pattern = Buffer.concat([period, period]);

/** The slice of the endless pattern starting at `offset`, at most `length` bytes (and at most one period). */
export function patternAt(offset: number, length: number): Buffer {
  const start = offset % PERIOD;
  return pattern.subarray(start, start + Math.min(length, PERIOD));
}

/**
 * Checks received bytes against the pattern as they arrive: byte-for-byte verification, stronger than
 * a checksum and cheap (memcmp) so the load generator is not what limits throughput.
 *
 * @example
 * ```ts
 * const check = new PatternCheck();
 * socket.on('data', (chunk) => check.push(chunk));
 * ```
 */
export class PatternCheck {
  received = 0;
  mismatchAt: number | undefined;

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && this.mismatchAt === undefined) {
      const expected = patternAt(this.received, chunk.length - at);
      if (!chunk.subarray(at, at + expected.length).equals(expected)) this.mismatchAt = this.received;
      at += expected.length;
      this.received += expected.length;
    }
    if (this.mismatchAt !== undefined) this.received += chunk.length - at;
  }
}
