import type { Socket } from 'node:net';
import type { Bottleneck } from './bottleneck.js';

/** How one direction of an emulated link behaves. */
export interface DirectionOptions {
  /** One-way delay added to every chunk, in ms. */
  readonly delayMs: number;
  /** The hop every connection in this direction shares. */
  readonly bottleneck: Bottleneck;
  /** Nothing sent before this time (ms, performance.now()) enters the link earlier: the TCP handshake's round trip. */
  readonly notBefore: number;
}

// Chunks in the delay line, whatever the rate: beyond it the emulator, not the link, would hold the data.
const MAX_IN_FLIGHT = 64 * 1024 * 1024;

/**
 * One connection's direction of a delay link: every chunk read from `from` leaves the shared bottleneck
 * no earlier than its rate allows, and reaches `to` `delayMs` after that. `from` is paused while the bottleneck's buffer is
 * full or `to` pushes back, so memory stays bounded and TCP's own flow control reaches the sender.
 * An end travels behind the last byte; a reset arrives after the delay too.
 *
 * @example
 * ```ts
 * new LinkDirection(client, server, { delayMs: 20, bottleneck: new Bottleneck(50e6, 2e6), notBefore: 0 });
 * ```
 */
export class LinkDirection {
  /** Data, or the sender's FIN ('end'), or the sender gone without one ('cut'), in the order sent. */
  private readonly line: { readonly chunk: Buffer | 'end' | 'cut'; readonly at: number }[] = [];
  private head = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private blocked = false;
  private stopped = false;
  private early: (Buffer | 'end' | 'cut')[] | undefined;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly options: DirectionOptions,
  ) {
    from.on('data', (chunk: Buffer) => this.enqueue(chunk));
    from.on('end', () => this.enqueue('end'));
    // Bytes sent before the handshake would have completed wait outside the link, holding up nobody else.
    const wait = options.notBefore - performance.now();
    if (wait > 0) {
      this.early = [];
      setTimeout(() => {
        const early = this.early ?? [];
        this.early = undefined;
        for (const chunk of early) this.enqueue(chunk);
      }, wait);
    }
    to.on('drain', () => {
      this.blocked = false;
      this.deliver();
    });
  }

  /** The sender is gone: once everything it sent has arrived, the receiver's connection is closed too. */
  cut(): void {
    this.enqueue('cut');
  }

  private enqueue(chunk: Buffer | 'end' | 'cut'): void {
    if (this.stopped) return;
    if (this.early !== undefined) return void this.early.push(chunk);
    const now = performance.now();
    const size = typeof chunk === 'string' ? 0 : chunk.length;
    // Leaves the bottleneck once everything ahead of it, from any connection, has.
    const departs = this.options.bottleneck.pass(now, size);
    this.line.push({ chunk, at: departs + this.options.delayMs });
    this.inFlight += size;
    this.hold(now);
    this.schedule();
  }

  // Stop reading while the bottleneck is full or too much is in flight; look again when it drains.
  private hold(now: number): void {
    const full = this.options.bottleneck.full(now) || this.inFlight > MAX_IN_FLIGHT || this.blocked;
    if (full && !this.from.isPaused()) this.from.pause();
    else if (!full && this.from.isPaused()) this.from.resume();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.blocked) return;
    const next = this.line[this.head];
    if (next === undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.deliver();
      },
      Math.max(0, next.at - performance.now()),
    );
  }

  private deliver(): void {
    // Nobody left to deliver to: drop the rest, and let no timer keep the process alive.
    if (this.to.destroyed) return this.stop();
    const now = performance.now();
    for (let next = this.line[this.head]; next !== undefined && next.at <= now; next = this.line[this.head]) {
      this.head++;
      if (next.chunk === 'end') {
        this.to.end();
        continue;
      }
      if (next.chunk === 'cut') {
        this.to.destroy();
        continue;
      }
      this.inFlight -= next.chunk.length;
      if (!this.to.write(next.chunk)) {
        this.blocked = true;
        break;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.line.length) {
      this.line.splice(0, this.head);
      this.head = 0;
    }
    if (!this.from.destroyed) this.hold(now);
    this.schedule();
    // A paused sender wakes when the bottleneck empties below its buffer, even with nothing to deliver.
    if (!this.from.destroyed && this.from.isPaused() && !this.blocked && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.deliver();
      }, 1);
    }
  }

  /** Drops what is still on the way, and whatever comes after: the connection was reset. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.line.length = 0;
    this.head = 0;
  }
}
