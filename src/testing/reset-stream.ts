import { constants, type Http2Stream } from 'node:http2';

/**
 * Resets `stream` with RST_STREAM(`code`) alone, as a peer that gives up on a stream does. Node's own
 * `stream.close(code)` ends the writable side first, so an empty DATA with END_STREAM leaves before the
 * RST_STREAM and the client sees a clean end; `destroy()` picks the code itself (INTERNAL_ERROR, or
 * CANCEL for an AbortError). The native handle submits exactly the frame, as Node does for its own
 * refusals; without it (another runtime), destroy() still sends a bare RST_STREAM(INTERNAL_ERROR).
 *
 * @example
 * ```ts
 * stream.once('data', () => resetStream(stream, constants.NGHTTP2_ENHANCE_YOUR_CALM));
 * ```
 */
export function resetStream(stream: Http2Stream, code: number = constants.NGHTTP2_INTERNAL_ERROR): void {
  if (stream.destroyed) return;
  const handle = nativeHandle(stream);
  if (handle !== undefined) handle.rstStream(code);
  else stream.destroy(new Error(`reset with code ${code}`));
}

interface NativeStreamHandle {
  rstStream(code: number): void;
}

function nativeHandle(stream: Http2Stream): NativeStreamHandle | undefined {
  const key = Object.getOwnPropertySymbols(stream).find((symbol) => symbol.description === 'kHandle' || symbol.description === 'handle');
  const handle = key === undefined ? undefined : (stream as unknown as Record<symbol, unknown>)[key];
  return typeof (handle as Partial<NativeStreamHandle> | undefined)?.rstStream === 'function' ? (handle as NativeStreamHandle) : undefined;
}
