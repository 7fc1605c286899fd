import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateFiles } from './cert-files.js';
import { onFreePort, startProcess, tempDir, waitForOutput, waitForPort, whenReady } from './process.js';

/** A running Caddy that terminates TLS in front of an h2c upstream. */
export interface CaddyInstance {
  readonly port: number;
  readonly caddyfile: string;
  output(): string;
  /** Kills Caddy, waits for it to exit and removes its directory. */
  stop(): Promise<void>;
}

/** Options of {@link startCaddy}. */
export interface CaddyOptions {
  /** The certificate Caddy serves (for any SNI on its port). */
  readonly tls: CertificateFiles;
  /** The h2c tunnel server at 127.0.0.1:upstreamPort. */
  readonly upstreamPort: number;
  /**
   * Proxies whose `X-Forwarded-For` Caddy keeps and appends to; by default Caddy replaces the header
   * with the peer's address.
   */
  readonly trustedProxies?: string;
}

/**
 * Starts `caddy run` with a Caddyfile in a temp dir: HTTPS on a free loopback port with `tls cert key`,
 * `reverse_proxy h2c://127.0.0.1:PORT { flush_interval -1 }`, admin endpoint and automatic HTTPS off,
 * and its data/config dirs inside the temp dir. Resolves once the port accepts.
 *
 * @example
 * ```ts
 * const caddy = await startCaddy({ tls: files, upstreamPort: h2cServerPort });
 * after(() => caddy.stop());
 * ```
 */
export function startCaddy(options: CaddyOptions): Promise<CaddyInstance> {
  return onFreePort((port) => startCaddyOn(port, options));
}

async function startCaddyOn(port: number, options: CaddyOptions): Promise<CaddyInstance> {
  const dir = await tempDir('caddy-');
  const trusted = options.trustedProxies === undefined ? '' : `\n    trusted_proxies ${options.trustedProxies}`;
  // flush_interval -1: stream every byte at once; tunnels are interactive, buffering would stall them.
  const caddyfile = `{
  admin off
  auto_https off
}

https://:${port} {
  bind 127.0.0.1
  tls ${options.tls.certFile} ${options.tls.keyFile}
  reverse_proxy h2c://127.0.0.1:${options.upstreamPort} {
    flush_interval -1${trusted}
  }
}
`;
  const file = join(dir.path, 'Caddyfile');
  await writeFile(file, caddyfile);
  const env = { ...process.env, HOME: dir.path, XDG_DATA_HOME: join(dir.path, 'data'), XDG_CONFIG_HOME: join(dir.path, 'config') };
  const child = startProcess('caddy', ['run', '--config', file, '--adapter', 'caddyfile'], { cwd: dir.path, env });
  const program = await whenReady(child, dir, async () => {
    await waitForOutput(child, /serving initial configuration/, 15_000);
    await waitForPort(port, child, 15_000);
  });
  return {
    port,
    caddyfile,
    ...program,
  };
}
