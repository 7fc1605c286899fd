/**
 * Runs a function at a moment on `performance.now()`'s clock, never before it and as little after it as
 * the event loop allows. `setTimeout` alone fires on whole milliseconds of the loop's clock: a 30 ms
 * wait ran 30.7 ms on average, which costs packet-up 2 % of its paced rate (Go's timers, Xray's, are
 * precise to microseconds). So the whole milliseconds go to `setTimeout` and the last fraction to
 * `setImmediate` turns, which let I/O through between them.
 */
export class DueTimer {
  private timeout: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  /** Whether a run is waiting. */
  get armed(): boolean {
    return this.timeout !== undefined || this.immediate !== undefined;
  }

  /**
   * Runs `run` at `dueMs` (on `performance.now()`'s clock), in place of any run already waiting; never
   * within this call, even when the moment has passed.
   */
  at(dueMs: number, run: () => void): void {
    this.cancel();
    const wait = (): void => {
      const left = dueMs - performance.now();
      // The loop's clock counts whole milliseconds from when the timer was set: it may fire up to one early.
      if (left >= 1) this.timeout = setTimeout(check, Math.floor(left));
      else this.immediate = setImmediate(check);
    };
    const check = (): void => {
      this.timeout = this.immediate = undefined;
      if (dueMs - performance.now() <= 0) run();
      else wait();
    };
    wait();
  }

  cancel(): void {
    clearTimeout(this.timeout);
    clearImmediate(this.immediate);
    this.timeout = this.immediate = undefined;
  }
}
