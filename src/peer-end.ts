import type { Http2Stream } from 'node:http2';

/**
 * Tells whether the peer ended its side of `stream` with END_STREAM. Node ends the readable side in
 * two cases that look the same afterwards: the peer's END_STREAM, and a stream closed under it (an
 * RST_STREAM, even with NO_ERROR, or a destroyed session), where it pushes the end itself. Only the
 * first happens while the stream is still open, so the end is judged at the moment it is pushed.
 *
 * @example
 * ```ts
 * const peerEnded = watchPeerEnd(stream);
 * stream.once('close', () => console.log(peerEnded() ? 'complete' : 'cut off'));
 * ```
 */
export function watchPeerEnd(stream: Http2Stream): () => boolean {
  // A server stream whose request HEADERS carried END_STREAM was ended before anyone could watch it.
  let ended = !stream.closed && (stream as unknown as { _readableState?: { ended?: boolean } })._readableState?.ended === true;
  const push = stream.push.bind(stream);
  stream.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk === null && !stream.closed) ended = true;
    return push(chunk, encoding);
  };
  return () => ended;
}
