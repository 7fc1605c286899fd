import { startChild, type BenchChild } from '../child.js';
import type { ChainFiles } from './cli-chain.js';

/**
 * The platform yardstick: bare Node `http2` in the two-process shape of every tunnel chain, a client
 * (local TCP listener, each connection one PUT on one session) and a server (`createSecureServer`, each
 * stream piped to the target). What h2tunnel adds over Node's own HTTP/2 is read against it.
 *
 * @example
 * ```ts
 * const { client, server } = await startBareHttp2Chain({ certFile, keyFile }, echoPort);
 * ```
 */
export async function startBareHttp2Chain(files: ChainFiles, echoPort: number): Promise<{ client: BenchChild; server: BenchChild }> {
  const server = await startChild('fixtures/bare-http2-server.ts', [JSON.stringify({ ...files, forwardPort: echoPort })]);
  const client = await startChild('fixtures/bare-http2-client.ts', [JSON.stringify({ caFile: files.certFile, serverPort: server.ready.port })]);
  return { client, server };
}
