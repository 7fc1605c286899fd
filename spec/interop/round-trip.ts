import { detach } from '../../src/client/detach.js';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { firstValueFrom, type Observable } from 'rxjs';
import type { Connection } from '../../src/connection/connection.js';

/** What went up and what came back through one echoed tunnel. */
export interface RoundTrip {
  readonly sentBytes: number;
  readonly receivedBytes: number;
  readonly sentSha256: string;
  readonly receivedSha256: string;
  /** Until the last echoed byte arrived; the end of the stream can come later (v2ray waits 2 s after an uplink ends). */
  readonly milliseconds: number;
}

const CHUNK = 64 * 1024;

/**
 * Writes `bytes` random bytes into `duplex` with backpressure, half-closes, and reads everything the
 * echo sends back, hashing both sides; rejects if the stream fails or `timeoutMs` passes.
 *
 * @example
 * ```ts
 * const trip = await echoRoundTrip((await openTunnel(...)).toDuplex(), 32 * 1024 * 1024);
 * assert.equal(trip.receivedSha256, trip.sentSha256);
 * ```
 */
export function echoRoundTrip(duplex: Duplex, bytes: number, timeoutMs = 60_000): Promise<RoundTrip> {
  const started = Date.now();
  const sent = createHash('sha256');
  const received = createHash('sha256');
  let receivedBytes = 0;
  let lastByteAt = started;
  return new Promise<RoundTrip>((resolve, reject) => {
    const timer = setTimeout(() => {
      duplex.destroy();
      reject(new Error(`round trip of ${bytes} bytes timed out after ${timeoutMs} ms (${receivedBytes} received)`));
    }, timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    duplex.on('error', fail);
    duplex.on('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      received.update(chunk);
      lastByteAt = Date.now();
    });
    duplex.once('end', () => {
      clearTimeout(timer);
      resolve({ sentBytes: bytes, receivedBytes, sentSha256: sentDigest, receivedSha256: received.digest('hex'), milliseconds: lastByteAt - started });
    });
    let sentDigest = '';
    let remaining = bytes;
    const pump = () => {
      while (remaining > 0) {
        const chunk = randomBytes(Math.min(CHUNK, remaining));
        remaining -= chunk.length;
        sent.update(chunk);
        if (!duplex.write(chunk)) return void duplex.once('drain', pump);
      }
      sentDigest = sent.digest('hex');
      duplex.end();
    };
    pump();
  });
}

/**
 * {@link echoRoundTrip} through a fresh TCP connection to 127.0.0.1:`port` (a v2ray client's inbound,
 * a proxy front); the socket is destroyed afterwards either way.
 *
 * @example
 * ```ts
 * const trip = await tcpRoundTrip(v2rayClient.port, 1024);
 * ```
 */
export async function tcpRoundTrip(port: number, bytes: number, timeoutMs = 60_000): Promise<RoundTrip> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  try {
    return await echoRoundTrip(socket, bytes, timeoutMs);
  } finally {
    socket.destroy();
  }
}

/**
 * {@link echoRoundTrip} through one tunnel from `dialing` (a cold `dial(...)`), closing it afterwards.
 *
 * @example
 * ```ts
 * const trip = await tunnelRoundTrip(dial(dest, settings, { manager }), 4096);
 * ```
 */
export async function tunnelRoundTrip(dialing: Observable<Connection>, bytes: number, timeoutMs = 60_000): Promise<RoundTrip> {
  const connection = await firstValueFrom(dialing.pipe(detach()));
  try {
    return await echoRoundTrip(connection.toDuplex(), bytes, timeoutMs);
  } finally {
    connection.close();
  }
}

/**
 * Connects to 127.0.0.1:`port`, sends `payload`, half-closes and collects whatever comes back until the
 * socket closes (a reset counts as a close): for checking that a rejected tunnel lets nothing through.
 *
 * @example
 * ```ts
 * assert.equal((await sendAndCollect(wrongClient.port, Buffer.from('x'), 20_000)).length, 0);
 * ```
 */
export function sendAndCollect(port: number, payload: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => socket.end(payload));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the socket to port ${port} stayed open for ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** MB/s of a round trip, one direction (each byte went up and came back in the same time). */
export function throughput(trip: RoundTrip): string {
  return (trip.sentBytes / 1e6 / Math.max(trip.milliseconds / 1000, 0.001)).toFixed(1);
}

/**
 * Runs `task` for 0..count-1 with at most `limit` running at once; resolves with every result in order.
 *
 * @example
 * ```ts
 * const trips = await inParallel(200, 200, () => tcpRoundTrip(port, 4096));
 * ```
 */
export async function inParallel<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}
