import type { Range } from '../../settings/xhttp-settings.js';

/**
 * A length drawn uniformly from `range`, both ends included (Xray's client excludes the upper end; its
 * server includes it, so either way passes).
 *
 * @example
 * ```ts
 * drawFromRange({ from: 100, to: 1000 }); // 100 … 1000
 * ```
 */
export function drawFromRange(range: Range, random: () => number = Math.random): number {
  return range.from + Math.min(range.to - range.from, Math.floor(random() * (range.to - range.from + 1)));
}

/**
 * Padding of `length` characters: the letter X, whose HPACK Huffman code is 8 bits long, so header
 * compression cannot shrink it (Xray's reason, splithttp/xpadding.go).
 *
 * @example
 * ```ts
 * paddingOf(3); // 'XXX'
 * ```
 */
export function paddingOf(length: number): string {
  return paddedText('', length);
}

/**
 * The `Referer` a client request carries its padding in (Xray's default, non-obfuscated mode): the base
 * URL, whatever the session id and seq, with the query replaced by `x_padding`.
 *
 * @example
 * ```ts
 * paddedReferer('https', 'tunnel.test', '/tun/', 3); // 'https://tunnel.test/tun/?x_padding=XXX'
 * ```
 */
export function paddedReferer(scheme: 'http' | 'https', authority: string, base: string, length: number): string {
  return paddedText(`${scheme}://${authority}${base}?x_padding=`, length);
}

// Node keeps a stream's sent headers for the stream's life, so every held tunnel kept its own padding:
// a copy of up to 1000 bytes plus the tree of pieces `repeat` builds it from (about 1.2 KB a header in
// heap snapshots). A slice of one flat run shared per prefix is a fixed-size view of it instead.
const runs = new Map<string, string>();
const MAX_PREFIXES = 64;
const MIN_RUN = 4096;

/** `prefix` then `length` X's, as a slice of the run kept for `prefix`. */
function paddedText(prefix: string, length: number): string {
  let run = runs.get(prefix);
  if (run === undefined || run.length < prefix.length + length) {
    // Through a Buffer: the string comes back flat, one piece that slices can point into.
    run = Buffer.from(prefix + 'X'.repeat(Math.max(MIN_RUN, 2 * length)), 'utf8').toString('utf8');
    if (!runs.has(prefix) && runs.size >= MAX_PREFIXES) runs.delete(runs.keys().next().value as string);
    runs.set(prefix, run);
  }
  return run.slice(0, prefix.length + length);
}

/**
 * Where a server finds a request's padding (Xray's non-obfuscated server): the `x_padding` of the
 * `Referer` when there is one, and nothing else then; otherwise `x_padding` in the request's own query.
 *
 * @example
 * ```ts
 * requestPadding('https://t.test/p/?x_padding=XXX', '/p/abc'); // 'XXX'
 * requestPadding(undefined, '/p/?x_padding=XXX');              // 'XXX'
 * requestPadding('https://t.test/p/', '/p/?x_padding=XXX');    // undefined
 * ```
 */
export function requestPadding(referer: string | undefined, requestPath: string): string | undefined {
  if (referer !== undefined) {
    try {
      return new URL(referer).searchParams.get('x_padding') ?? undefined;
    } catch {
      return undefined;
    }
  }
  const mark = requestPath.indexOf('?');
  if (mark < 0) return undefined;
  return new URLSearchParams(requestPath.slice(mark + 1)).get('x_padding') ?? undefined;
}

/**
 * Whether a padding passes a server's check: its length in bytes within `range`, both ends included; the
 * characters are not looked at, as Xray's server does not.
 *
 * @example
 * ```ts
 * paddingAccepted('X'.repeat(100), { from: 100, to: 1000 }); // true
 * paddingAccepted(undefined, { from: 100, to: 1000 });       // false
 * ```
 */
export function paddingAccepted(padding: string | undefined, range: Range): boolean {
  if (padding === undefined || padding === '') return false;
  const length = Buffer.byteLength(padding);
  return length >= range.from && length <= range.to;
}
