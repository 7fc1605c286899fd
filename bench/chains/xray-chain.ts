import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wrapChild, type BenchChild } from '../child.js';
import type { ChainFiles } from './cli-chain.js';
import { freePort, waitForListener } from './free-port.js';
import { xhttpClientStream, xhttpServerStream, type XhttpMode } from './xhttp-stream.js';

const quiet = { loglevel: 'none', access: 'none' };

/**
 * An Xray XHTTP server: a `tunnel` (dokodemo-door) inbound over XHTTP in `mode` with TLS, forwarding
 * every tunnel to `echoPort` through `freedom`. Logs off, Xray's defaults otherwise.
 *
 * @example
 * ```ts
 * const server = await startXrayServer(xray, dir, files, echoPort, 'stream-one');
 * ```
 */
export async function startXrayServer(binary: string, dir: string, files: ChainFiles, echoPort: number, mode: XhttpMode): Promise<BenchChild> {
  const port = await freePort();
  return launch(binary, join(dir, `xray-server-${port}.json`), port, {
    log: quiet,
    inbounds: [{ ...tunnelInbound(port, echoPort), streamSettings: xhttpServerStream(mode, files) }],
    outbounds: [{ protocol: 'freedom' }],
  });
}

/**
 * An Xray XHTTP client: a plain `tunnel` inbound on a local port pointing at `serverPort`, routed to a
 * `freedom` outbound whose `streamSettings` dial it over XHTTP in `mode` (TLS verified against `caFile`),
 * the shape the interop tests use. Resolves once it listens, without connecting to it.
 *
 * @example
 * ```ts
 * const client = await startXrayClient(xray, dir, certFile, server.ready.port as number, 'stream-one');
 * ```
 */
export async function startXrayClient(binary: string, dir: string, caFile: string, serverPort: number, mode: XhttpMode): Promise<BenchChild> {
  const port = await freePort();
  return launch(binary, join(dir, `xray-client-${port}.json`), port, {
    log: quiet,
    inbounds: [tunnelInbound(port, serverPort)],
    outbounds: [{ protocol: 'freedom', streamSettings: xhttpClientStream(mode, caFile) }],
  });
}

function tunnelInbound(port: number, target: number): object {
  return { listen: '127.0.0.1', port, protocol: 'tunnel', settings: { address: '127.0.0.1', port: target, network: 'tcp' } };
}

async function launch(binary: string, file: string, port: number, config: object): Promise<BenchChild> {
  writeFileSync(file, JSON.stringify(config, null, 2));
  // Xray prints its version on stdout at start; errors (a refused config) go to stderr.
  const child = spawn(binary, ['run', '-c', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  const started = wrapChild(child, { port });
  await waitForListener(port);
  return started;
}
