import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchChild } from '../child.js';
import { builtFile } from '../fixtures/built-library.js';
import { launch, type ChainFiles } from './cli-chain.js';
import { freePort } from './free-port.js';
import { xhttpClientStream, xhttpServerStream, type XhttpMode } from './xhttp-stream.js';

const BUILT = new URL('../../dist/esm/cli/main.js', import.meta.url);
const QUIET = ['--log-level', 'warn'];

/**
 * `h2tunnel server` speaking XHTTP: `--stream-settings` with the very object the Xray server of the same
 * mode reads (route, mode, TLS), no other tunnel flag. Logs at `warn`, as the other CLI chains.
 *
 * @example
 * ```ts
 * const server = await startXhttpCliServer(dir, files, echoPort, 'stream-one');
 * ```
 */
export async function startXhttpCliServer(dir: string, files: ChainFiles, echoPort: number, mode: XhttpMode): Promise<BenchChild> {
  builtFile(BUILT);
  const port = await freePort();
  const stream = streamFile(dir, `xhttp-server-${port}.json`, xhttpServerStream(mode, files));
  return launch(['server', '--listen', `127.0.0.1:${port}`, '--forward', `127.0.0.1:${echoPort}`, '--stream-settings', stream, ...QUIET], port);
}

/**
 * `h2tunnel client` speaking XHTTP to `serverPort`, from the Xray client's `streamSettings` of the same
 * mode. Resolves once it listens, without connecting to it.
 *
 * @example
 * ```ts
 * const client = await startXhttpCliClient(dir, certFile, server.ready.port as number, 'stream-one');
 * ```
 */
export async function startXhttpCliClient(dir: string, caFile: string, serverPort: number, mode: XhttpMode): Promise<BenchChild> {
  builtFile(BUILT);
  const port = await freePort();
  const stream = streamFile(dir, `xhttp-client-${port}.json`, xhttpClientStream(mode, caFile));
  return launch(['client', '--listen', `127.0.0.1:${port}`, '--server', `127.0.0.1:${serverPort}`, '--stream-settings', stream, ...QUIET], port);
}

function streamFile(dir: string, name: string, stream: object): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(stream, null, 2));
  return file;
}
