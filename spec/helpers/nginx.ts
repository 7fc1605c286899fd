import { readFileSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary } from './binaries.js';
import type { CertificateFiles } from './cert-files.js';
import { dieWithParent } from './die-with-parent.js';
import { waitForOwnListener } from './listening-sockets.js';
import { onFreePort, startProcess, tempDir, whenReady } from './process.js';

/** A running nginx that terminates TLS and proxies to a cleartext HTTP/1.1 origin. */
export interface NginxInstance {
  readonly port: number;
  /** The generated nginx.conf, for diagnostics. */
  readonly config: string;
  /** nginx's error log (stderr) and its access log so far. */
  output(): string;
  /** SIGTERM (nginx's fast shutdown), waits for the master to exit and removes its directory. */
  stop(): Promise<void>;
}

/** Options of {@link startNginx}. */
export interface NginxOptions {
  /** The certificate nginx serves, over h2 and HTTP/1.1 (ALPN). */
  readonly tls: CertificateFiles;
  /** The origin at 127.0.0.1:originPort, spoken to in cleartext HTTP/1.1. */
  readonly originPort: number;
  /** Further directives for the proxied location, verbatim (`client_max_body_size 0;`). */
  readonly directives?: readonly string[];
}

/**
 * Starts Debian's nginx in the foreground (`daemon off`) on a free loopback port, with its prefix, pid,
 * temp paths and logs in a temp dir of its own: TLS (h2 and HTTP/1.1) at nginx, `proxy_pass` in cleartext
 * HTTP/1.1 to the origin, and nginx's defaults otherwise — the request body buffered whole before the
 * origin sees the request (`proxy_request_buffering on`), at most 1 MiB of it (`client_max_body_size`),
 * responses buffered unless the origin says `X-Accel-Buffering: no`. That is what a CDN does to a tunnel.
 * Resolves once nginx itself listens on the port.
 *
 * @example
 * ```ts
 * const nginx = await startNginx({ tls: files, originPort: server.port });
 * after(() => nginx.stop());
 * ```
 */
export function startNginx(options: NginxOptions): Promise<NginxInstance> {
  return onFreePort((port) => startNginxOn(port, options));
}

async function startNginxOn(port: number, options: NginxOptions): Promise<NginxInstance> {
  const dir = await tempDir('nginx-');
  // Run as root, nginx's workers drop to `nobody`: they must be able to reach the temp paths inside.
  await chmod(dir.path, 0o755);
  const config = nginxConfig(dir.path, port, options);
  const file = join(dir.path, 'nginx.conf');
  await writeFile(file, config);
  // -e: the error log before the config is read, which would otherwise be /var/log/nginx/error.log.
  const child = startProcess(...dieWithParent(findBinary('nginx') ?? 'nginx', ['-p', dir.path, '-c', file, '-e', 'stderr']), { cwd: dir.path });
  const program = await whenReady(child, dir, () => waitForOwnListener(child, port, 15_000));
  // A file, not /dev/stdout: Node's stdio pipes are sockets, which open() on /proc/self/fd/1 cannot reopen.
  const accessLog = () => {
    try {
      return readFileSync(join(dir.path, 'access.log'), 'utf8').slice(-32_000);
    } catch {
      return '';
    }
  };
  return { port, config, stop: () => program.stop(), output: () => `${program.output()}${accessLog()}` };
}

function nginxConfig(dir: string, port: number, options: NginxOptions): string {
  const extra = (options.directives ?? []).map((directive) => `\n      ${directive}`).join('');
  // proxy_http_version: nginx's default is 1.0; CDNs speak 1.1 to origins, and that is the case to test.
  // Host: a CDN passes the client's Host on; nginx's default would send the upstream's address, which a
  // tunnel server's host check refuses.
  return `daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log stderr notice;

events {
  worker_connections 1024;
}

http {
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};

  server {
    listen 127.0.0.1:${port} ssl http2;
    ssl_certificate ${options.tls.certFile};
    ssl_certificate_key ${options.tls.keyFile};

    location / {
      proxy_pass http://127.0.0.1:${options.originPort};
      proxy_http_version 1.1;
      proxy_set_header Host $host;${extra}
    }
  }
}
`;
}
