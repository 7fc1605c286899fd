import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wrapChild, type BenchChild } from '../child.js';
import { freePort, waitForPort } from './free-port.js';

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
 * const [client, server] = await startV2rayChain('/usr/bin/v2ray', dir, cert, echoPort);
 * ```
 */
export async function startV2rayChain(
  binary: string,
  dir: string,
  files: { certFile: string; keyFile: string },
  echoPort: number,
): Promise<{ client: BenchChild; server: BenchChild }> {
  const serverPort = await freePort();
  const clientPort = await freePort();
  const serverConfig = {
    log: quiet,
    inbounds: [
      {
        listen: '127.0.0.1',
        port: serverPort,
        protocol: 'dokodemo-door',
        settings: { address: '127.0.0.1', port: echoPort, network: 'tcp' },
        streamSettings: streamSettings({ certificates: [{ certificateFile: files.certFile, keyFile: files.keyFile }] }),
      },
    ],
    outbounds: [{ protocol: 'freedom' }],
  };
  const clientConfig = {
    log: quiet,
    inbounds: [{ listen: '127.0.0.1', port: clientPort, protocol: 'dokodemo-door', settings: { address: '127.0.0.1', port: serverPort, network: 'tcp' } }],
    outbounds: [{ protocol: 'freedom', streamSettings: streamSettings({ serverName: 'tunnel.test', allowInsecure: true }) }],
  };
  const server = launch(binary, join(dir, 'v2ray-server.json'), serverConfig, { port: serverPort });
  const client = launch(binary, join(dir, 'v2ray-client.json'), clientConfig, { port: clientPort });
  await Promise.all([waitForPort(serverPort), waitForPort(clientPort)]);
  return { client, server };
}

function launch(binary: string, file: string, config: object, ready: Record<string, unknown>): BenchChild {
  writeFileSync(file, JSON.stringify(config, null, 2));
  const child = spawn(binary, ['-config', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  return wrapChild(child, ready);
}
