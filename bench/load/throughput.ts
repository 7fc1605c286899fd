import type * as net from 'node:net';
import { connect } from './connect.js';
import { PatternCheck, patternAt } from './pattern.js';

const CHUNK = 128 * 1024;

/** Aggregate echo throughput of `tunnels` parallel tunnels carrying `bytesEach` each way. */
export interface ThroughputResult {
  readonly tunnels: number;
  readonly bytesEach: number;
  /** Megabytes (10^6) per second in each direction, all tunnels together. */
  readonly mbPerSecond: number;
  readonly seconds: number;
}

/**
 * Sends `bytesEach` bytes through each of `tunnels` connections to `port` and waits for every byte
 * to come back, verified against the pattern. Throws on a mismatch, a short echo or a timeout.
 *
 * @example
 * ```ts
 * const { mbPerSecond } = await throughput(chain.entryPort, 1, 200e6);
 * ```
 */
export async function throughput(port: number, tunnels: number, bytesEach: number, timeoutMs = 120_000): Promise<ThroughputResult> {
  const sockets = await Promise.all(Array.from({ length: tunnels }, () => connect(port)));
  const started = process.hrtime.bigint();
  try {
    await Promise.all(sockets.map((socket) => echoAll(socket, bytesEach, timeoutMs)));
  } finally {
    for (const socket of sockets) socket.destroy();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { tunnels, bytesEach, seconds, mbPerSecond: (tunnels * bytesEach) / 1e6 / seconds };
}

function echoAll(socket: net.Socket, total: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = new PatternCheck();
    const timer = setTimeout(() => reject(new Error(`echo of ${total} bytes timed out at ${check.received}`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      check.push(chunk);
      if (check.mismatchAt !== undefined) {
        clearTimeout(timer);
        reject(new Error(`echoed bytes differ at offset ${check.mismatchAt}`));
      } else if (check.received >= total) {
        clearTimeout(timer);
        if (check.received > total) reject(new Error(`echo returned ${check.received - total} extra bytes`));
        else resolve();
      }
    });
    socket.once('close', () => {
      clearTimeout(timer);
      if (check.received < total) reject(new Error(`closed after ${check.received}/${total} bytes`));
    });
    socket.on('error', () => undefined);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const chunk = patternAt(sent, Math.min(CHUNK, total - sent));
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
}
