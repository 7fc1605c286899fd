import * as net from 'node:net';

/** What a soak saw, second by second. */
export interface SoakResult {
  /** Bytes echoed back in each second. */
  readonly perSecond: readonly number[];
  /** The longest run of seconds in which nothing came back. */
  readonly longestStallSeconds: number;
  readonly sent: number;
  readonly received: number;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

/**
 * Fills both directions of `tunnels` echo tunnels through `port` for `seconds`: every tunnel writes as
 * fast as it drains and reads whatever comes back, so both ends of the chain have their windows full at
 * once, the case that deadlocks two HTTP/2 ends that stop reading while their own writes are pending.
 *
 * @example
 * ```ts
 * const { longestStallSeconds } = await saturateBoth(chain.entryPort, 8, 60, console.log);
 * ```
 */
export async function saturateBoth(port: number, tunnels: number, seconds: number, log: (line: string) => void): Promise<SoakResult> {
  const sockets = await Promise.all(
    Array.from(
      { length: tunnels },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  let sent = 0;
  let received = 0;
  let stopped = false;
  for (const socket of sockets) {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    const pump = () => {
      while (!stopped) {
        sent += CHUNK.length;
        if (!socket.write(CHUNK)) return;
      }
    };
    socket.on('drain', pump);
    pump();
  }
  const perSecond: number[] = [];
  let stall = 0;
  let longestStallSeconds = 0;
  let last = 0;
  for (let second = 1; second <= seconds; second++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const delta = received - last;
    last = received;
    perSecond.push(delta);
    stall = delta === 0 ? stall + 1 : 0;
    longestStallSeconds = Math.max(longestStallSeconds, stall);
    if (second % 10 === 0 || delta === 0) log(`  ${second} s: ${(delta / 1e6).toFixed(1)} MB/s back, ${(received / 1e6).toFixed(0)} MB so far`);
  }
  stopped = true;
  for (const socket of sockets) socket.destroy();
  return { perSecond, longestStallSeconds, sent, received };
}
