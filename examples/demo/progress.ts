import type { WriteStream } from 'node:tty';

/** Where progress goes: a terminal gets a redrawn bar, anything else plain lines. */
export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * A one-line progress bar: redrawn in place (at most every 100 ms) on a terminal, a plain line at every
 * quarter otherwise, so logs and CI output stay readable.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar(process.stdout, total, 'echo');
 * bar.update(done);
 * bar.finish();
 * ```
 */
export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastQuarter = 0;
  private done = 0;

  constructor(
    private readonly out: ProgressOutput | WriteStream,
    private readonly total: number,
    private readonly label: string,
  ) {}

  /** Records `done` units (bytes) finished so far. */
  update(done: number): void {
    this.done = Math.min(done, this.total);
    const now = performance.now();
    if (this.out.isTTY === true) {
      if (now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.out.write(`\r${this.line()}`);
      return;
    }
    const quarter = Math.floor((this.done / this.total) * 4);
    if (quarter > this.lastQuarter && quarter < 4) {
      this.lastQuarter = quarter;
      this.out.write(`${this.line()}\n`);
    }
  }

  /** Draws the final state and moves to the next line. */
  finish(): void {
    this.out.write(this.out.isTTY === true ? `\r${this.line()}\n` : `${this.line()}\n`);
  }

  private line(): string {
    const fraction = this.total === 0 ? 1 : this.done / this.total;
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.done / 1e6 / seconds : 0;
    const text = `${(fraction * 100).toFixed(0).padStart(3)}%  ${mib(this.done)}/${mib(this.total)} MiB  ${rate.toFixed(1)} MB/s`;
    if (this.out.isTTY !== true) return `${this.label}: ${text}`;
    const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - text.length - this.label.length - 6));
    const filled = Math.round(fraction * width);
    return `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`;
  }
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
