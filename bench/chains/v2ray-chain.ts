import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wrapChild, type BenchChild } from '../child.js';
import type { ChainFiles } from './cli-chain.js';
import { freePort, waitForListener } from './free-port.js';

const streamSettings = (tlsSettings: object) => ({
  network: 'http',
  security: 'tls',
  httpSettings: { host: ['tunnel.test'], path: '/tun' },
  tlsSettings,
});
const quiet = { loglevel: 'none', access: 'none' };

/**
 * The v2ray 4.34 chain of DESIGN.md's interop recipe: a client whose dokodemo-door inbound turns
 * each local connection into an http-transport tunnel (TLS), and a server whose dokodemo-door
 * inbound forwards each tunnel to the echo target.
 *
 * @example
 * ```ts
 * const { client, server } = await startV2rayChain('/usr/bin/v2ray', dir, files, echoPort);
 * ```
 */
export async function startV2rayChain(binary: string, dir: string, files: ChainFiles, echoPort: number): Promise<{ client: BenchChild; server: BenchChild }> {
  const server = await startV2rayServer(binary, dir, files, echoPort);
  const client = await startV2rayClient(binary, dir, server.ready.port as number);
  return { client, server };
}

/** A v2ray server: http transport with TLS in, dokodemo-door to `echoPort`. */
export async function startV2rayServer(binary: string, dir: string, files: ChainFiles, echoPort: number): Promise<BenchChild> {
  const port = await freePort();
  return launch(binary, join(dir, `v2ray-server-${port}.json`), port, {
    log: quiet,
    inbounds: [
      {
        listen: '127.0.0.1',
        port,
        protocol: 'dokodemo-door',
        settings: { address: '127.0.0.1', port: echoPort, network: 'tcp' },
        streamSettings: streamSettings({ certificates: [{ certificateFile: files.certFile, keyFile: files.keyFile }] }),
      },
    ],
    outbounds: [{ protocol: 'freedom' }],
  });
}

/** A v2ray client: each local connection becomes a tunnel to `serverPort`; resolves once it listens. */
export async function startV2rayClient(binary: string, dir: string, serverPort: number): Promise<BenchChild> {
  const port = await freePort();
  return launch(binary, join(dir, `v2ray-client-${port}.json`), port, {
    log: quiet,
    inbounds: [{ listen: '127.0.0.1', port, protocol: 'dokodemo-door', settings: { address: '127.0.0.1', port: serverPort, network: 'tcp' } }],
    outbounds: [{ protocol: 'freedom', streamSettings: streamSettings({ serverName: 'tunnel.test', allowInsecure: true }) }],
  });
}

async function launch(binary: string, file: string, port: number, config: object): Promise<BenchChild> {
  writeFileSync(file, JSON.stringify(config, null, 2));
  const child = spawn(binary, ['-config', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  const started = wrapChild(child, { port });
  await waitForListener(port);
  return started;
}
