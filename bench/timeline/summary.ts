/** One recorded moment: when (ns, monotonic clock shared by all processes) and what. */
export interface Mark {
  readonly at: bigint;
  readonly label: string;
}

/** Where a median tunnel open spends its time. */
export interface TimelineSummary {
  readonly opens: number;
  /** Each label with its median offset from the open's start, in µs, earliest first. */
  readonly steps: readonly { readonly label: string; readonly medianUs: number; readonly count: number }[];
  /** The most frequent orders of the labels within one open, with how many opens had each. */
  readonly orders: readonly { readonly order: string; readonly opens: number }[];
}

/**
 * Merges the marks of every process and cuts them into opens at each `startLabel`; marks before the
 * first start are dropped. Pure, so the arithmetic is checked apart from any process.
 *
 * @example
 * ```ts
 * summarize([...driverMarks, ...clientMarks], 'd.start').steps;
 * ```
 */
export function summarize(marks: readonly Mark[], startLabel: string): TimelineSummary {
  const sorted = [...marks].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const offsets = new Map<string, number[]>();
  const orders = new Map<string, number>();
  let start: bigint | undefined;
  let order: string[] = [];
  let opens = 0;
  const closeOpen = () => {
    if (order.length > 0) orders.set(order.join(' '), (orders.get(order.join(' ')) ?? 0) + 1);
    order = [];
  };
  for (const mark of sorted) {
    if (mark.label === startLabel) {
      closeOpen();
      start = mark.at;
      opens++;
    }
    if (start === undefined) continue;
    order.push(mark.label);
    const list = offsets.get(mark.label) ?? [];
    list.push(Number(mark.at - start) / 1e3);
    offsets.set(mark.label, list);
  }
  closeOpen();
  const steps = [...offsets].map(([label, values]) => ({ label, medianUs: median(values), count: values.length })).sort((a, b) => a.medianUs - b.medianUs);
  const frequent = [...orders].map(([o, n]) => ({ order: o, opens: n })).sort((a, b) => b.opens - a.opens);
  return { opens, steps, orders: frequent.slice(0, 3) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
