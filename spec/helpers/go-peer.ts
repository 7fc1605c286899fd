import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary } from './binaries.js';
import { dieWithParent } from './die-with-parent.js';
import { listenersOn, waitForOwnListener } from './listening-sockets.js';
import { onFreePort, startProcess, tempDir, whenReady } from './process.js';

/** The Go peers `.ci/install-peers` builds. */
export type GoPeer = 'xray' | 'v2fly';

/** A running Xray or v2fly v5 process and the loopback port its config listens on. */
export interface GoPeerInstance {
  readonly port: number;
  /** Its process id, to tell its sockets from others on the machine. */
  readonly pid: number | undefined;
  /** The JSON config it was started with, for diagnostics and for running the same file elsewhere. */
  readonly config: object;
  /** Its stdout and stderr so far (both peers log to stdout). */
  output(): string;
  /** SIGTERM (SIGKILL after 3 s), waits for the exit and removes its config directory. */
  stop(): Promise<void>;
}

// How each peer is told to run a file: v2fly v5 needs the format named, Xray reads v4 JSON.
const RUN_ARGS: Readonly<Record<GoPeer, (file: string) => string[]>> = {
  v2fly: (file) => ['run', '-c', file, '-format', 'jsonv5'],
  xray: (file) => ['run', '-c', file],
};

/**
 * Runs `peer` with `config`, which listens on 127.0.0.1:`port`, in a temp dir of its own; resolves once the
 * process itself listens on the port (see {@link waitForOwnListener}). Rejects, leaving nothing running,
 * if the binary is missing, the config is refused or another process already listens on the port.
 *
 * @example
 * ```ts
 * const v2fly = await runGoPeer('v2fly', serverConfig, port);
 * after(() => v2fly.stop());
 * ```
 */
export async function runGoPeer(peer: GoPeer, config: object, port: number): Promise<GoPeerInstance> {
  const binary = findBinary(peer);
  if (binary === undefined) throw new Error(`${peer} is not installed: run .ci/install-peers (tests call requireBinary first)`);
  // Both peers bind with SO_REUSEPORT: started on a port another program holds, they would share it.
  if ((await listenersOn(port)).size > 0) throw new Error(`port ${port}: address already in use`);
  const dir = await tempDir(`${peer}-`);
  const file = join(dir.path, 'config.json');
  await writeFile(file, JSON.stringify(config, null, 2));
  // Geo assets are looked up next to the binary unless told; nothing here routes by them, so an empty dir.
  const env = { ...process.env, V2RAY_LOCATION_ASSET: dir.path, XRAY_LOCATION_ASSET: dir.path };
  const child = startProcess(...dieWithParent(binary, RUN_ARGS[peer](file)), { cwd: dir.path, env });
  const program = await whenReady(child, dir, () => waitForOwnListener(child, port, 15_000));
  return { port, config, pid: child.child.pid, ...program };
}

/**
 * {@link runGoPeer} on a free port: `configFor` builds the config for the port chosen, and a clash with
 * another program (a port taken in between) is retried on another one.
 *
 * @example
 * ```ts
 * const xray = await runGoPeerOnFreePort('xray', (port) => xrayServerConfig({ port, forwardPort, streamSettings }));
 * ```
 */
export function runGoPeerOnFreePort(peer: GoPeer, configFor: (port: number) => object, port?: number): Promise<GoPeerInstance> {
  return port === undefined ? onFreePort((chosen) => runGoPeer(peer, configFor(chosen), chosen)) : runGoPeer(peer, configFor(port), port);
}
