import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// The server's side of its TCP connections, as `ss` (iproute2, netlink sock_diag) reports them: what a
// server (ours or a real peer) holds established on its port, without asking it. Not /proc/net/tcp: read
// while other programs open and close sockets, that table can list a socket twice or not at all. The
// kernel filters the dump by port, so it fits one netlink message and is consistent. Only the server
// process's own sockets count: a client socket elsewhere may have the same local port (a listener with
// SO_REUSEADDR binds beside it).

const run = promisify(execFile);

/**
 * How many lines of `ss -Htnp` output are sockets process `pid` holds.
 *
 * @example
 * ```ts
 * ownedLines('0 0 127.0.0.1:443 127.0.0.1:50000 users:(("xray",pid=42,fd=7))\n', 42); // 1
 * ```
 */
export function ownedLines(output: string, pid: number): number {
  return output.split('\n').filter((line) => line.includes(`pid=${pid},`)).length;
}

/**
 * The TCP connections process `pid` (by default this one) holds established on its listening `port`
 * right now, IPv4 and IPv6.
 *
 * @example
 * ```ts
 * assert.equal(await establishedTo(xray.port, xray.pid), 2);
 * ```
 */
export async function establishedTo(port: number, pid: number | undefined = process.pid): Promise<number> {
  if (pid === undefined) throw new Error('the server has no process id');
  const { stdout } = await run('ss', ['-Htnp', 'state', 'established', `( sport = :${port} )`]);
  return ownedLines(stdout, pid);
}
