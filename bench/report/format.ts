/** A figure with three significant digits or so (1.23, 12.3, 123); blank when missing. */
export function formatFigure(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** `a / b` as `1.23x`; blank when either is missing. */
export function formatRatio(a: number | undefined, b: number | undefined): string {
  const ratio = (a ?? NaN) / (b ?? NaN);
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '';
}
