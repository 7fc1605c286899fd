import { readdir, readFile, readlink } from 'node:fs/promises';
import type { RunningProcess } from './process.js';

// Readiness of a Go peer (Xray, v2fly) from the kernel's socket tables instead of a port probe or a log
// line. A probe of a client's port would itself open a tunnel; v2fly's h2 server binds in a goroutine
// after its "started" line; and both bind with SO_REUSEPORT, so a second one on a port another holds
// starts happily and the kernel splits connections between the two. /proc/net/tcp tells who listens
// without touching the port, and /proc/PID/fd whose socket it is.

const LISTEN = '0A';

/**
 * The inodes of the TCP sockets in LISTEN state on `port` in one `/proc/net/tcp` or `/proc/net/tcp6` table.
 *
 * @example
 * ```ts
 * listeningInodes(await readFile('/proc/net/tcp', 'utf8'), 18443); // ['123456']
 * ```
 */
export function listeningInodes(table: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns.length > 9 && columns[1]?.endsWith(`:${hexPort}`) === true && columns[3] === LISTEN)
    .map((columns) => columns[9] ?? '');
}

/** The inodes of every socket listening on TCP `port`, IPv4 and IPv6, whoever holds them. */
export async function listenersOn(port: number): Promise<Set<string>> {
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'utf8').catch(() => '')));
  return new Set(tables.flatMap((table) => listeningInodes(table, port)));
}

/** The inodes of the sockets process `pid` holds open. */
async function socketInodesOf(pid: number): Promise<Set<string>> {
  const dir = `/proc/${pid}/fd`;
  const fds = await readdir(dir).catch(() => [] as string[]);
  const links = await Promise.all(fds.map((fd) => readlink(`${dir}/${fd}`).catch(() => '')));
  return new Set(links.map((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1]).filter((inode): inode is string => inode !== undefined));
}

/**
 * Resolves once `owner` itself holds a socket listening on 127.0.0.1:`port` and no other process does.
 * Rejects at once if `owner` exits, with "address already in use" when another process listens there too
 * (so `onFreePort` tries another port), or after `timeoutMs`; every message carries the owner's output.
 *
 * @example
 * ```ts
 * await waitForOwnListener(xray, port, 15_000);
 * ```
 */
export async function waitForOwnListener(owner: RunningProcess, port: number, timeoutMs = 15_000): Promise<void> {
  const pid = owner.child.pid;
  if (pid === undefined) throw new Error(`the process did not start:\n${owner.output()}`);
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void owner.exited.then(() => (exited = true));
  for (;;) {
    const listeners = await listenersOn(port);
    const own = await socketInodesOf(pid);
    const mine = [...listeners].filter((inode) => own.has(inode));
    if (mine.length > 0) {
      if (mine.length < listeners.size) throw new Error(`port ${port}: address already in use by another process (SO_REUSEPORT shares it)`);
      return;
    }
    if (exited) throw new Error(`process exited before listening on port ${port}:\n${owner.output()}`);
    if (Date.now() > deadline) throw new Error(`port ${port} was not listened on within ${timeoutMs} ms:\n${owner.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
