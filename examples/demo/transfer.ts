import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/** What one echo transfer through a tunnel proved. */
export interface TransferResult {
  readonly bytes: number;
  /** SHA-256 of what came back equals that of what was sent. */
  readonly verified: boolean;
}

const CHUNK = 64 * 1024;

/**
 * Sends `bytes` of random data to a local tunnel port with backpressure, half-closes, reads the echo
 * to its end and compares SHA-256 digests. `onReceived` gets each echoed chunk's size.
 *
 * @example
 * ```ts
 * const { verified } = await echoTransfer(port, 16 * 1024 * 1024, (n) => bar.update((done += n)));
 * ```
 */
export function echoTransfer(port: number, bytes: number, onReceived: (n: number) => void = () => undefined): Promise<TransferResult> {
  return new Promise((resolve, reject) => {
    const sent = createHash('sha256');
    const received = createHash('sha256');
    let receivedBytes = 0;
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true, noDelay: true });
    socket.on('data', (chunk: Buffer) => {
      received.update(chunk);
      receivedBytes += chunk.length;
      onReceived(chunk.length);
    });
    socket.once('end', () => {
      socket.end();
      resolve({ bytes: receivedBytes, verified: receivedBytes === bytes && received.digest('hex') === sent.digest('hex') });
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`tunnel closed after ${receivedBytes} of ${bytes} bytes`)));
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        const chunk = randomBytes(Math.min(CHUNK, left));
        left -= chunk.length;
        sent.update(chunk);
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      socket.end();
    };
    socket.once('connect', pump);
  });
}
