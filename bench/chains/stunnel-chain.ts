import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wrapChild, type BenchChild } from '../child.js';
import type { ChainFiles } from './cli-chain.js';
import { freePort, waitForListener } from './free-port.js';

// As stunnel's own sample configuration: in the foreground, no pid file, Nagle off on both sockets.
const GLOBAL = ['foreground = yes', 'pid =', 'debug = 3', 'socket = l:TCP_NODELAY=1', 'socket = r:TCP_NODELAY=1'];

/**
 * What a user would pick instead of this transport: stunnel, one TLS connection per tunnel. The server
 * terminates TLS and connects to `echoPort`; the client verifies the server's chain and name against
 * our CA, as a careful user would set it up.
 *
 * @example
 * ```ts
 * const server = await startStunnelServer('/usr/bin/stunnel4', dir, files, echoPort);
 * const client = await startStunnelClient('/usr/bin/stunnel4', dir, files, server.ready.port as number);
 * ```
 */
export async function startStunnelServer(binary: string, dir: string, files: ChainFiles, echoPort: number): Promise<BenchChild> {
  const port = await freePort();
  return launch(binary, join(dir, `stunnel-server-${port}.conf`), port, [
    '[tunnel]',
    `accept = 127.0.0.1:${port}`,
    `connect = 127.0.0.1:${echoPort}`,
    `cert = ${files.certFile}`,
    `key = ${files.keyFile}`,
  ]);
}

/** A stunnel client accepting plain TCP, each connection one verified TLS connection to `serverPort`. */
export async function startStunnelClient(binary: string, dir: string, files: ChainFiles, serverPort: number): Promise<BenchChild> {
  const port = await freePort();
  return launch(binary, join(dir, `stunnel-client-${port}.conf`), port, [
    '[tunnel]',
    'client = yes',
    `accept = 127.0.0.1:${port}`,
    `connect = 127.0.0.1:${serverPort}`,
    `CAfile = ${files.certFile}`,
    'verifyChain = yes',
    'checkHost = tunnel.test',
    'sni = tunnel.test',
  ]);
}

async function launch(binary: string, file: string, port: number, service: readonly string[]): Promise<BenchChild> {
  writeFileSync(file, [...GLOBAL, ...service, ''].join('\n'));
  const child = spawn(binary, [file], { stdio: ['ignore', 'ignore', 'ignore'] });
  const started = wrapChild(child, { port });
  await waitForListener(port);
  return started;
}
