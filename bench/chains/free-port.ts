import { readFile } from 'node:fs/promises';
import * as net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (for programs that cannot listen on port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once a socket listens on 127.0.0.1:`port`, read from `/proc/net/tcp` without connecting: a
 * probe connection would open a tunnel client's session before the measurement.
 */
export async function waitForListener(port: number, timeoutMs = 15_000): Promise<void> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = await readFile('/proc/net/tcp', 'utf8');
    // Columns: sl, local_address, rem_address, st (0A is LISTEN).
    const listening = table.split('\n').some((line) => {
      const columns = line.trim().split(/\s+/);
      return columns[1] === local && columns[3] === '0A';
    });
    if (listening) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves once something accepts TCP connections on `port`. */
export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
