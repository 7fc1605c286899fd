import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fixtureNodeFlags, wrapChild, type BenchChild } from '../child.js';
import { builtFile } from '../fixtures/built-library.js';
import { freePort, waitForPort } from './free-port.js';

// What users run: the package's bin over the compiled dist/ (`npm run bench` builds it first).
const BIN = fileURLToPath(new URL('../../bin/h2tunnel.js', import.meta.url));
const BUILT = new URL('../../dist/esm/cli/main.js', import.meta.url);

/**
 * The product itself: `h2tunnel server` and `h2tunnel client` as two processes (the built bin), with
 * the same TLS, host and path as the library fixtures. Logs at `warn`, as one would run it.
 *
 * @example
 * ```ts
 * const { client, server } = await startCliChain({ certFile, keyFile }, echoPort);
 * ```
 */
export async function startCliChain(files: { certFile: string; keyFile: string }, echoPort: number): Promise<{ client: BenchChild; server: BenchChild }> {
  builtFile(BUILT);
  const serverPort = await freePort();
  const clientPort = await freePort();
  const common = ['--host', 'tunnel.test', '--path', '/tun', '--log-level', 'warn'];
  const server = launch(
    ['server', '--listen', `127.0.0.1:${serverPort}`, '--forward', `127.0.0.1:${echoPort}`, '--cert', files.certFile, '--key', files.keyFile, ...common],
    serverPort,
  );
  await waitForPort(serverPort);
  const client = launch(
    ['client', '--listen', `127.0.0.1:${clientPort}`, '--server', `127.0.0.1:${serverPort}`, '--server-name', 'tunnel.test', '--ca', files.certFile, ...common],
    clientPort,
  );
  await waitForPort(clientPort);
  return { client, server };
}

function launch(args: readonly string[], port: number): BenchChild {
  const child = spawn(process.execPath, [...fixtureNodeFlags, BIN, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  return wrapChild(child, { port });
}
