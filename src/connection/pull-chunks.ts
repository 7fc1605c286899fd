import type { TransportError } from '../errors/transport-error.js';
import type { TunnelStream } from './tunnel-stream.js';

/**
 * Reads `stream` one chunk at a time for a `for await` loop: the peer is held back while the loop body
 * runs (HTTP/2 flow control), so memory stays flat whatever the consumer's speed. A stream cut off throws
 * `typed(error)`; leaving the loop early calls `leftEarly` (the tunnel is closed, not left half-read).
 *
 * @example
 * ```ts
 * for await (const chunk of pullChunks(stream, () => connection.close(), (e) => fromNodeError(e, address))) use(chunk);
 * ```
 */
export async function* pullChunks(stream: TunnelStream, leftEarly: () => void, typed: (error: unknown) => TransportError): AsyncGenerator<Buffer> {
  let finished = false;
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
    finished = true;
  } catch (error) {
    finished = true;
    throw typed(error);
  } finally {
    if (!finished) leftEarly();
  }
}
