import { createHash, randomBytes } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Connection } from '../../../src/connection/connection.js';

/** A digest of a byte stream and its length. */
export interface Digest {
  readonly sha256: string;
  readonly bytes: number;
}

/** `size` random bytes and their digest. */
export function randomPayload(size: number): { readonly data: Buffer; readonly digest: Digest } {
  const data = randomBytes(size);
  return { data, digest: { sha256: createHash('sha256').update(data).digest('hex'), bytes: size } };
}

/** `data` cut into `chunkSize` pieces, as an observable (for `Connection.send`). */
export function chunks(data: Buffer, chunkSize = 64 * 1024): Observable<Buffer> {
  return from(pieces(data, chunkSize));
}

/** `data` cut into `chunkSize` pieces, as an array: a source `send()` pulls one drained write at a time. */
export function pieces(data: Buffer, chunkSize = 64 * 1024): Buffer[] {
  const cut: Buffer[] = [];
  for (let at = 0; at < data.length; at += chunkSize) cut.push(data.subarray(at, at + chunkSize));
  return cut;
}

/** Hashes every chunk of `output` until it completes; rejects with its error. */
export function digestOf(output: Observable<Buffer>): Promise<Digest> {
  const hash = createHash('sha256');
  let bytes = 0;
  return new Promise<Digest>((resolve, reject) => {
    output.subscribe({
      next: (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
      },
      error: reject,
      complete: () => resolve({ sha256: hash.digest('hex'), bytes }),
    });
  });
}

/**
 * Sends `data` (with backpressure, then half-close) while reading everything that comes back; resolves
 * with the digest of what came back once both directions are done.
 */
export async function exchange(connection: Connection, data: Buffer): Promise<Digest> {
  const received = digestOf(connection.output);
  const sent = lastValueFrom(connection.send(chunks(data)), { defaultValue: undefined });
  const [digest] = await Promise.all([received, sent]);
  return digest;
}
