import type { Writable } from 'node:stream';
import { sessionClosed } from '../../errors/transport-error.js';
import type { ClientUpload } from './client-upload.js';

/**
 * A streaming upload (stream-up's POST, stream-one's body over HTTP/1.1): writes go into the request body
 * with its backpressure, and the end of the upload is the end of the body (END_STREAM, or the last chunk).
 *
 * @example
 * ```ts
 * const upload = new StreamSender(post.upload, () => post.cancel());
 * ```
 */
export class StreamSender implements ClientUpload {
  constructor(
    private readonly body: Writable,
    private readonly cancel: () => void,
  ) {}

  write(chunk: Buffer, callback: (error?: Error | null) => void): void {
    if (this.body.destroyed || this.body.writableEnded) return callback(sessionClosed('the upload is closed'));
    if (this.body.write(chunk)) return callback();
    const drained = () => {
      this.body.off('close', closed);
      callback();
    };
    const closed = () => {
      this.body.off('drain', drained);
      callback(sessionClosed('the upload closed before the write was flushed'));
    };
    this.body.once('drain', drained);
    this.body.once('close', closed);
  }

  end(callback: (error?: Error | null) => void): void {
    if (this.body.destroyed) return callback(sessionClosed('the upload is closed'));
    this.body.end(() => callback());
  }

  abort(): void {
    this.cancel();
  }
}
