import { readFile } from 'node:fs/promises';

// The server's side of its TCP connections, from the kernel's socket tables: what a server (ours or a
// real peer) holds established on its port, without asking it.

const ESTABLISHED = '01';

/**
 * How many rows of one `/proc/net/tcp` or `/proc/net/tcp6` table are established sockets whose local
 * port is `port`: the server's ends of its connections (a client's end on this machine has the port
 * as its remote one).
 *
 * @example
 * ```ts
 * establishedRows(await readFile('/proc/net/tcp', 'utf8'), 18443); // 2
 * ```
 */
export function establishedRows(table: string, port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns.length > 3 && columns[1]?.endsWith(`:${hexPort}`) === true && columns[3] === ESTABLISHED).length;
}

/**
 * The TCP connections established to the server listening on `port` right now, IPv4 and IPv6.
 *
 * @example
 * ```ts
 * assert.equal(await establishedTo(xray.port), 2);
 * ```
 */
export async function establishedTo(port: number): Promise<number> {
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'utf8').catch(() => '')));
  return tables.reduce((sum, table) => sum + establishedRows(table, port), 0);
}
