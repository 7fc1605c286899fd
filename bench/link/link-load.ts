import type * as net from 'node:net';
import { connect, readBytes } from '../load/connect.js';
import { openTime, percentile } from '../load/open-time.js';
import { patternAt } from '../load/pattern.js';
import type { LinkedChain } from './linked-chain.js';

/** Time from the local connect to the first echoed byte, in ms. */
export interface FirstByte {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * A fresh client process per sample, timed from the connect of its very first tunnel to the first
 * echoed byte: the session's TCP and TLS handshakes and the tunnel's own round trips, as a user who just
 * started the client pays them.
 *
 * @example
 * ```ts
 * const { p50Ms } = await coldFirstByte(chain, 5);
 * ```
 */
export async function coldFirstByte(chain: LinkedChain, samples: number): Promise<FirstByte> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const fresh = await chain.freshClient();
    try {
      const started = performance.now();
      const socket = await connect(fresh.port);
      socket.write('x');
      await readBytes(socket, 1);
      times.push(performance.now() - started);
      socket.destroy();
    } finally {
      await fresh.stop();
    }
  }
  return { p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99) };
}

/**
 * Short tunnels opened one after another while one bulk tunnel keeps the link full: how long an
 * interactive tunnel waits behind a download on the same session (or, for per-connection chains, the
 * same link).
 *
 * @example
 * ```ts
 * const { p50Ms } = await firstByteUnderLoad(chain, 20, 1_000);
 * ```
 */
export async function firstByteUnderLoad(chain: LinkedChain, samples: number, fillMs: number): Promise<FirstByte & { readonly bulkMBps: number }> {
  const bulk = await saturate(chain.entryPort);
  try {
    await new Promise((resolve) => setTimeout(resolve, fillMs));
    const started = performance.now();
    const before = bulk.received();
    const { p50Ms, p99Ms } = await openTime(chain.entryPort, samples);
    const bulkMBps = (bulk.received() - before) / 1e6 / ((performance.now() - started) / 1000);
    return { p50Ms, p99Ms, bulkMBps };
  } finally {
    bulk.stop();
  }
}

/** One tunnel echoing as fast as it can until stopped; counts what came back. */
async function saturate(port: number): Promise<{ received(): number; stop(): void }> {
  const socket: net.Socket = await connect(port);
  let sent = 0;
  let received = 0;
  let stopped = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  socket.on('error', () => undefined);
  const pump = () => {
    while (!stopped) {
      const chunk = patternAt(sent, 64 * 1024);
      sent += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
  };
  pump();
  return {
    received: () => received,
    stop: () => {
      stopped = true;
      socket.destroy();
    },
  };
}
