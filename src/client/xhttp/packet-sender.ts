import { drawFromRange } from '../../protocol/xhttp/padding.js';
import type { Range } from '../../settings/xhttp-settings.js';
import type { ClientUpload } from './client-upload.js';
import { DueTimer } from './due-timer.js';

/** How packets go out. */
export interface PacketLimits {
  /** The largest packet, drawn once per tunnel from `maxEachPostBytes` as Xray does. */
  readonly maxBytes: number;
  /** The least time between the starts of two POSTs (`minPostsIntervalMs`), drawn per POST. */
  readonly intervalMs: Range;
  /** POSTs sent and not yet answered at most: well under a server's reorder window (Xray's 30). */
  readonly maxInFlight: number;
}

/**
 * Packet-up's upload: writes gather into packets of at most `maxBytes`, posted in seq order at least
 * `intervalMs` apart, several at once. Writes are held back (their callback waits) while a packet's
 * worth is waiting, so memory stays near `maxBytes` plus what is in flight. A POST that fails fails
 * every later write.
 *
 * @example
 * ```ts
 * const sender = new PacketSender((seq, payload, signal) => postPacket(seq, payload, signal), { maxBytes: 1_000_000, intervalMs: { from: 30, to: 30 }, maxInFlight: 8 });
 * ```
 */
export class PacketSender implements ClientUpload {
  private readonly waiting: Buffer[] = [];
  private waitingBytes = 0;
  private seq = 0;
  // Made by a POST sent, dropped once none is out: a held tunnel between writes keeps no empty set.
  private inFlight: Set<AbortController> | undefined;
  private lastStart = -Infinity;
  private readonly timer = new DueTimer();
  private heldWrite: ((error?: Error | null) => void) | undefined;
  private ending: ((error?: Error | null) => void) | undefined;
  private failure: Error | undefined;
  private pumping = false;

  constructor(
    private readonly post: (seq: number, payload: Buffer, signal: AbortSignal) => Promise<void>,
    private readonly limits: PacketLimits,
  ) {}

  write(chunk: Buffer, callback: (error?: Error | null) => void): void {
    if (this.failure !== undefined) return callback(this.failure);
    this.waiting.push(chunk);
    this.waitingBytes += chunk.length;
    if (this.waitingBytes < this.limits.maxBytes) callback();
    else this.heldWrite = callback;
    this.pump();
  }

  end(callback: (error?: Error | null) => void): void {
    if (this.failure !== undefined) return callback(this.failure);
    this.ending = callback;
    this.pump();
  }

  abort(): void {
    this.timer.cancel();
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    for (const controller of inFlight ?? []) controller.abort();
    this.fail(new Error('the tunnel is closed'));
  }

  private pump(): void {
    // A held write released below writes again at once, and calls here: the loop already running takes it.
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.failure === undefined && this.waitingBytes > 0 && this.posting < this.limits.maxInFlight && !this.timer.armed) {
        const due = this.lastStart + drawFromRange(this.limits.intervalMs);
        if (due > performance.now()) {
          this.timer.at(due, () => this.pump());
          break;
        }
        this.send(this.take());
        this.releaseHeldWrite();
      }
    } finally {
      this.pumping = false;
    }
    if (this.ending !== undefined && this.waitingBytes === 0 && this.posting === 0 && this.failure === undefined) {
      const ended = this.ending;
      this.ending = undefined;
      ended();
    }
  }

  // Everything gathered, up to one packet.
  private take(): Buffer {
    const parts: Buffer[] = [];
    let size = 0;
    while (size < this.limits.maxBytes && this.waiting.length > 0) {
      const next = this.waiting[0] as Buffer;
      const room = this.limits.maxBytes - size;
      if (next.length <= room) {
        parts.push(next);
        size += next.length;
        this.waiting.shift();
      } else {
        parts.push(next.subarray(0, room));
        this.waiting[0] = next.subarray(room);
        size += room;
      }
    }
    this.waitingBytes -= size;
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
  }

  private releaseHeldWrite(): void {
    if (this.heldWrite === undefined || this.waitingBytes >= this.limits.maxBytes) return;
    const released = this.heldWrite;
    this.heldWrite = undefined;
    released();
  }

  private send(payload: Buffer): void {
    const controller = new AbortController();
    const inFlight = (this.inFlight ??= new Set());
    inFlight.add(controller);
    const posted = this.post(this.seq++, payload, controller.signal);
    // Stamped once the POST has begun, so the next one starts a whole interval after it, not a little less.
    this.lastStart = performance.now();
    posted.then(
      () => {
        inFlight.delete(controller);
        if (this.inFlight === inFlight && inFlight.size === 0) this.inFlight = undefined;
        this.pump();
      },
      (error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private get posting(): number {
    return this.inFlight?.size ?? 0;
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    const callbacks = [this.heldWrite, this.ending];
    this.heldWrite = this.ending = undefined;
    for (const callback of callbacks) callback?.(error);
  }
}
