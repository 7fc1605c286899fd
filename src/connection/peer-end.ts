import type { TunnelStream } from './tunnel-stream.js';

type Destroy = (error: Error | null, callback: (error?: Error | null) => void) => void;

/**
 * Tells whether the peer ended its side of `stream` with END_STREAM, and makes a stream that was cut off
 * before that fail instead of ending. Node ends the readable side in two cases that look the same
 * afterwards: the peer's END_STREAM, and a stream closed under it (an RST_STREAM, even with NO_ERROR or
 * CANCEL, or a session whose socket ended), where it pushes the end itself and emits no error. Only the
 * first happens while the stream is still open, so the end is judged at the moment it is pushed.
 *
 * For the second, `cutOff()` names the reason (undefined: the local side closed it on purpose), and the
 * stream is destroyed with it instead of ending: `pipe()` then never ends its destination with a clean
 * FIN, `pipeline()` and `for await` fail, and `'error'` carries the typed reason.
 *
 * @example
 * ```ts
 * const peerEnded = watchPeerEnd(stream, () => sessionClosed('connection lost'));
 * stream.once('close', () => console.log(peerEnded() ? 'complete' : 'cut off'));
 * ```
 */
export function watchPeerEnd(stream: TunnelStream, cutOff: () => Error | undefined): () => boolean {
  // A server stream whose request HEADERS carried END_STREAM was ended before anyone could watch it.
  let ended = !stream.closed && (stream as unknown as { _readableState?: { ended?: boolean } })._readableState?.ended === true;
  const push = stream.push.bind(stream);
  stream.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk === null && !ended) {
      if (!stream.closed) ended = true;
      else if (!stream.destroyed) {
        // Closed under us with the readable side still open (RST_STREAM with NO_ERROR): Node would end
        // it. Swallow the end and destroy on the next tick: Node's close handler still uses the stream.
        const error = cutOff();
        if (error !== undefined) {
          process.nextTick(() => stream.destroy(error));
          return false;
        }
      }
    }
    return push(chunk, encoding);
  };
  // A session torn down under the stream destroys it with no error (CANCEL is not one to Node): give
  // the destroy its reason, so 'end' is never emitted and 'error' says why.
  const target = stream as unknown as { _destroy: Destroy };
  const destroy: Destroy = target._destroy.bind(stream);
  target._destroy = (error, callback) => destroy(error, (result) => callback(result ?? (ended ? null : (cutOff() ?? null))));
  return () => ended;
}
