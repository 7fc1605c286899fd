import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { listen, type TunnelServer } from '../../../src/server/listen.js';
import type { DialSettings } from '../../../src/settings/settings.js';
import type { XhttpMode } from '../../../src/settings/xhttp-settings.js';
import { writeCertificateFiles, type CertificateFiles } from '../../helpers/cert-files.js';
import { testCertificate } from '../../helpers/certs.js';
import { startEchoTarget, type EchoTarget } from '../../helpers/echo-target.js';
import type { GoPeerInstance } from '../../helpers/go-peer.js';
import { startNginx, type NginxInstance } from '../../helpers/nginx.js';
import { tempDir, type TempDir } from '../../helpers/process.js';
import { startXrayServer } from '../../helpers/xray.js';

export const HOST = 'tunnel.test';
export const PATH = '/tun/';

/**
 * Two echoing XHTTP origins behind one nginx each, as behind a CDN: Debian's nginx with the helper's
 * config (TLS at nginx, h2 and HTTP/1.1 to the client by ALPN, `proxy_http_version 1.1` to the origin,
 * the client's Host passed on, nginx's defaults otherwise: request bodies buffered whole, at most 1 MiB,
 * responses buffered unless the origin says `X-Accel-Buffering: no`).
 */
export interface NginxFronts {
  readonly files: CertificateFiles;
  readonly certPem: string;
  /** Our server, cleartext (h2c: true also serves XHTTP's HTTP/1.1), echoing every tunnel. */
  readonly ours: TunnelServer;
  /** Xray's server, cleartext HTTP/1.1, forwarding to an echo target. */
  readonly xrayServer: GoPeerInstance;
  readonly toOurs: NginxInstance;
  readonly toXray: NginxInstance;
  /** What a failed test prints. */
  readonly programs: Readonly<Record<string, { output(): string }>>;
  stop(): Promise<void>;
}

/**
 * Starts both origins and their nginx fronts.
 *
 * @example
 * ```ts
 * const fronts = await startNginxFronts();
 * after(() => fronts.stop());
 * ```
 */
export async function startNginxFronts(): Promise<NginxFronts> {
  let dir: TempDir | undefined;
  let echo: EchoTarget | undefined;
  let ours: TunnelServer | undefined;
  let xrayServer: GoPeerInstance | undefined;
  const fronts: NginxInstance[] = [];
  const stop = async () => {
    await Promise.all(fronts.map((front) => front.stop()));
    await Promise.all([ours?.close(), xrayServer?.stop()]);
    await echo?.close();
    await dir?.remove();
  };
  try {
    dir = await tempDir('xhttp-nginx-');
    const cert = await testCertificate();
    const files = await writeCertificateFiles(dir.path, cert);
    echo = await startEchoTarget();
    ours = await listen({ listen: '127.0.0.1:0', h2c: true, host: [HOST], path: PATH, xhttp: {} });
    ours.connections.subscribe((connection) => {
      const duplex = connection.toDuplex();
      duplex.on('error', () => undefined);
      duplex.pipe(duplex);
    });
    xrayServer = await startXrayServer({ forwardPort: echo.port, xhttp: { host: HOST, path: PATH, mode: 'auto' } });
    const toOurs = await startNginx({ tls: files, originPort: (ours.address as AddressInfo).port });
    fronts.push(toOurs);
    const toXray = await startNginx({ tls: files, originPort: xrayServer.port });
    fronts.push(toXray);
    const programs = { 'nginx -> our server': toOurs, 'nginx -> Xray server': toXray, 'xray server': xrayServer };
    return { files, certPem: cert.cert, ours, xrayServer, toOurs, toXray, programs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Our client's settings for a dial to nginx with TLS, as a client dials a CDN, over `httpVersion`. */
export function dialSettings(certPem: string, mode: XhttpMode, httpVersion: '2' | '1.1', extra: Partial<DialSettings> = {}): DialSettings {
  return { host: [HOST], path: PATH, tls: { ca: certPem, serverName: HOST }, xhttp: { mode, httpVersion }, ...extra };
}

/**
 * Writes a few bytes without ending the upload and waits for their echo: the upload is not held back
 * until it ends, and the download not until it fills a buffer. Resolves with the milliseconds it took.
 *
 * @example
 * ```ts
 * await interactiveEcho(connection.toDuplex(), 10_000);
 * ```
 */
export function interactiveEcho(duplex: Duplex, withinMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const ping = Buffer.from('ping through nginx');
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error(`${got.length} of ${ping.length} echoed bytes within ${withinMs} ms: held back`)), withinMs);
    duplex.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    duplex.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < ping.length) return;
      clearTimeout(timer);
      assert.deepEqual(got, ping);
      resolve(Date.now() - started);
    });
    duplex.write(ping);
  });
}
