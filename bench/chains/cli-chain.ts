import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fixtureNodeFlags, wrapChild, type BenchChild } from '../child.js';
import { builtFile } from '../fixtures/built-library.js';
import { freePort, waitForListener } from './free-port.js';

// What users run: the package's bin over the compiled dist/ (`npm run bench` builds it first).
const BIN = fileURLToPath(new URL('../../bin/h2tunnel.js', import.meta.url));
const BUILT = new URL('../../dist/esm/cli/main.js', import.meta.url);
const ROUTE = ['--host', 'tunnel.test', '--path', '/tun'];
const QUIET = ['--log-level', 'warn'];

/** The certificate and key files every chain uses. */
export interface ChainFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * The product itself: `h2tunnel server` and `h2tunnel client` as two processes (the built bin), with
 * the same TLS, host and path as the library fixtures. Logs at `warn`, as one would run it.
 *
 * @example
 * ```ts
 * const { client, server } = await startCliChain({ certFile, keyFile }, echoPort);
 * ```
 */
export async function startCliChain(files: ChainFiles, echoPort: number, flags: CliFlags = {}): Promise<{ client: BenchChild; server: BenchChild }> {
  const server = await startCliServer(files, echoPort, flags);
  const client = await startCliClient(files, server.ready.port as number, flags);
  return { client, server };
}

/** How a CLI process is started: `defaults` leaves the log level at its default, as a user would; `metrics` adds `--metrics` on a free port. */
export interface CliFlags {
  readonly defaults?: boolean;
  readonly metrics?: boolean;
  /** With `metrics`, false adds `--no-node-metrics`. */
  readonly nodeMetrics?: boolean;
  /** More flags, after the others (an option under test, such as `--bulk-cap`). */
  readonly extra?: readonly string[];
}

function extraFlags(flags: CliFlags): string[] {
  const metrics = flags.metrics === true ? ['--metrics', '127.0.0.1:0', ...(flags.nodeMetrics === false ? ['--no-node-metrics'] : [])] : [];
  return [...(flags.defaults === true ? [] : QUIET), ...metrics, ...(flags.extra ?? [])];
}

/** `h2tunnel server` forwarding to `echoPort`; resolves once it listens (watched, not probed). */
export async function startCliServer(files: ChainFiles, echoPort: number, flags: CliFlags = {}): Promise<BenchChild> {
  builtFile(BUILT);
  const port = await freePort();
  const args = ['server', '--listen', `127.0.0.1:${port}`, '--forward', `127.0.0.1:${echoPort}`, '--cert', files.certFile, '--key', files.keyFile];
  return launch([...args, ...ROUTE, ...extraFlags(flags)], port);
}

/**
 * `h2tunnel client` dialing `serverPort`; resolves once it listens. Its listening socket is watched, not
 * connected to, so its first session opens with the first measured tunnel.
 */
export async function startCliClient(files: ChainFiles, serverPort: number, flags: CliFlags = {}): Promise<BenchChild> {
  builtFile(BUILT);
  const port = await freePort();
  const args = ['client', '--listen', `127.0.0.1:${port}`, '--server', `127.0.0.1:${serverPort}`, '--server-name', 'tunnel.test', '--ca', files.certFile];
  return launch([...args, ...ROUTE, ...extraFlags(flags)], port);
}

/**
 * Runs the built bin with `args` (after the fixtures' node flags); resolves once it listens on `port`.
 *
 * @example
 * ```ts
 * const server = await launch(['server', '--listen', `127.0.0.1:${port}`, '--forward', target, '--stream-settings', file], port);
 * ```
 */
export async function launch(args: readonly string[], port: number): Promise<BenchChild> {
  const child = spawn(process.execPath, [...fixtureNodeFlags, BIN, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const started = wrapChild(child, { port });
  await waitForListener(port);
  return started;
}
