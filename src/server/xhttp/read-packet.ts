import type { Readable } from 'node:stream';

/** A packet's body read whole, or why not: larger than allowed, or the request cut off. */
export type PacketBody = { readonly kind: 'read'; readonly payload: Buffer } | { readonly kind: 'too-large' } | { readonly kind: 'cut' };

/**
 * Reads a packet POST's body, at most `limit` bytes: one more byte and it stops reading (413), so a body
 * without a declared length cannot make the server hold more than a packet.
 *
 * @example
 * ```ts
 * const body = await readPacket(request, 1_000_000); // { kind: 'read', payload } | { kind: 'too-large' } | { kind: 'cut' }
 * ```
 */
export function readPacket(body: Readable, limit: number): Promise<PacketBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const settle = (result: PacketBody) => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        body.pause();
        return settle({ kind: 'too-large' });
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle({ kind: 'read', payload: chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, length) });
    const onClose = () => settle({ kind: 'cut' });
    if (body.readableEnded) return resolve({ kind: 'read', payload: Buffer.alloc(0) });
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('close', onClose);
  });
}
