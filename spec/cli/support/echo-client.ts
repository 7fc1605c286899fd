import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A TCP conversation through a local tunnel port: what was sent and what came back. */
export interface EchoExchange {
  readonly sent: number;
  readonly received: number;
  readonly matches: boolean;
}

/**
 * Connects to 127.0.0.1:`port`, sends `bytes` random bytes in `parts` pieces (calling `between(i)`
 * after each piece but the last, so a test can act mid-transfer), half-closes and reads to the end.
 * Rejects if the connection is closed before the echo ends.
 *
 * @example
 * ```ts
 * const result = await echoThrough(client.port, 1 << 20);
 * assert.ok(result.matches);
 * ```
 */
export async function echoThrough(
  port: number,
  bytes: number,
  parts = 1,
  between: (i: number) => Promise<void> = () => Promise.resolve(),
): Promise<EchoExchange> {
  const data = randomBytes(bytes);
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    socket.once('end', () => resolve());
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`connection closed after ${Buffer.concat(chunks).length} of ${bytes} bytes came back`)));
  });
  ended.catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const size = Math.ceil(bytes / parts);
  for (let i = 0; i < parts; i++) {
    await write(socket, data.subarray(i * size, (i + 1) * size));
    if (i < parts - 1) await between(i);
  }
  socket.end();
  await ended;
  socket.destroy();
  const back = Buffer.concat(chunks);
  const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  return { sent: bytes, received: back.length, matches: back.length === bytes && digest(back) === digest(data) };
}

/** Resolves when the local connection to `port` is closed by the far side (the tunnel failed), saying how. */
export function closedWithoutEcho(port: number): Promise<{ readonly received: number; readonly reset: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let received = 0;
    let reset = false;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', (error: NodeJS.ErrnoException) => (reset ||= error.code === 'ECONNRESET'));
    socket.once('connect', () => socket.write('hello'));
    // A FIN alone would leave this half-open socket open: end our side too, so 'close' follows.
    socket.once('end', () => socket.end());
    socket.once('close', () => resolve({ received, reset }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error('local connection stayed open'));
    }, 15_000).unref();
  });
}

function write(socket: Socket, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(chunk, (error) => (error ? reject(error) : resolve())));
}
