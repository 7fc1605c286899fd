import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onFreePort, startProcess, tempDir, waitForPort, whenReady } from './process.js';

/** A running HAProxy in TCP mode. */
export interface HaproxyInstance {
  readonly port: number;
  readonly config: string;
  output(): string;
  /** Kills HAProxy, waits for it to exit and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts HAProxy in the foreground (`haproxy -db -f FILE`) in TCP mode on a free loopback port,
 * round-robin over `backendPorts` on 127.0.0.1, with fast health checks and redispatch so a dead
 * backend is skipped within about a second. TLS passes through untouched.
 *
 * @example
 * ```ts
 * const haproxy = await startHaproxy({ backendPorts: [a.port, b.port] });
 * after(() => haproxy.stop());
 * ```
 */
export function startHaproxy(options: { readonly backendPorts: readonly number[] }): Promise<HaproxyInstance> {
  return onFreePort((port) => startHaproxyOn(port, options));
}

async function startHaproxyOn(port: number, options: { readonly backendPorts: readonly number[] }): Promise<HaproxyInstance> {
  const dir = await tempDir('haproxy-');
  const servers = options.backendPorts.map((backend, index) => `  server tunnel${index + 1} 127.0.0.1:${backend} check inter 300ms fall 1 rise 2`).join('\n');
  // Long client/server timeouts: an HTTP/2 session carries many tunnels and may idle between them.
  const config = `global
  maxconn 4096

defaults
  mode tcp
  timeout connect 2s
  timeout client 1h
  timeout server 1h
  retries 2
  option redispatch

frontend tunnels
  bind 127.0.0.1:${port}
  default_backend h2tunnel

backend h2tunnel
  balance roundrobin
${servers}
`;
  const file = join(dir.path, 'haproxy.cfg');
  await writeFile(file, config);
  const child = startProcess('haproxy', ['-db', '-f', file], { cwd: dir.path });
  const program = await whenReady(child, dir, async () => {
    await waitForPort(port, child, 15_000);
  });
  return {
    port,
    config,
    ...program,
  };
}
