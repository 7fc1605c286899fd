/**
 * Samples the process's resident memory every 20 ms while `work` runs and resolves with the peak growth
 * over the start, in bytes. Generous bounds only: a shared CI machine's GC timing moves it by tens of MB.
 *
 * @example
 * ```ts
 * const { growth } = await peakRssGrowth(() => sendAll(connection));
 * assert.ok(growth < 64 * MiB);
 * ```
 */
export async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ readonly value: T; readonly growth: number }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, growth: peak - start };
  } finally {
    clearInterval(timer);
  }
}

export const MiB = 1024 * 1024;
