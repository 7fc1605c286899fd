import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A program started by a test, with its output kept for diagnostics. */
export interface RunningProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Kills the process (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `command` with its output captured and no stdin; nothing is inherited from the test's terminal.
 *
 * @example
 * ```ts
 * const v2ray = startProcess('v2ray', ['-config', file]);
 * await waitForPort(port, v2ray);
 * after(() => v2ray.stop());
 * ```
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {},
): RunningProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  // Keep only the tail: a chatty process must not grow the test's memory.
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-64_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => {
      keep(Buffer.from(`spawn failed: ${error.message}\n`));
      resolve('spawn-error');
    });
  });
  return {
    child,
    output: () => log,
    exited,
    stop: async (graceMs = 3_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for programs that cannot bind port 0 and report it.
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once 127.0.0.1:`port` accepts a TCP connection and `owner` is still running a moment later;
 * rejects after `timeoutMs`, or at once if `owner` exits first, with the owner's output in the message.
 *
 * @example
 * ```ts
 * await waitForPort(port, caddy, 10_000);
 * ```
 */
export async function waitForPort(port: number, owner?: RunningProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void owner?.exited.then(() => (exited = true));
  for (;;) {
    if (await accepts(port)) {
      // Something accepts; make sure it is the owner, not another program that took the port while the
      // owner failed to bind (it then exits at once).
      if (owner === undefined) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (!exited) return;
    }
    if (exited) throw new Error(`process exited before port ${port} opened:\n${owner?.output() ?? ''}`);
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms:\n${owner?.output() ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A fresh directory under the OS temp dir, and a function that removes it.
 *
 * @example
 * ```ts
 * const dir = await tempDir('v2ray-');
 * after(() => dir.remove());
 * ```
 */
export async function tempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `h2t-${prefix}`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A scratch directory a test owns. */
export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

/** A program running in a temp dir of its own: `stop()` ends the program and removes the dir. */
export interface ProgramInDir {
  output(): string;
  stop(): Promise<void>;
}

/**
 * Waits until `ready` resolves; if it fails, stops `child` and removes `dir` before rethrowing, so a
 * program that never came up leaves nothing behind.
 *
 * @example
 * ```ts
 * const program = await whenReady(child, dir, () => waitForPort(port, child, 15_000));
 * after(() => program.stop());
 * ```
 */
export async function whenReady(child: RunningProcess, dir: TempDir, ready: () => Promise<void>): Promise<ProgramInDir> {
  const stop = async () => {
    await child.stop();
    await dir.remove();
  };
  try {
    await ready();
  } catch (error) {
    await stop();
    throw error;
  }
  return { output: () => child.output(), stop };
}

/** What a program that ran to completion printed. */
export interface ProgramResult {
  readonly code: number | string;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/**
 * Runs `command` to completion with `input` on stdin; kills it after `timeoutMs` (the result then
 * carries the signal name as `code`).
 *
 * @example
 * ```ts
 * const result = await runProgram('curl', ['-sk', url], Buffer.from('hello'));
 * ```
 */
export function runProgram(command: string, args: readonly string[], input: Buffer, timeoutMs = 20_000): Promise<ProgramResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 'spawn-error', stdout: Buffer.alloc(0), stderr: error.message });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? 'unknown', stdout: Buffer.concat(stdout), stderr });
    });
  });
}

/**
 * Resolves once `owner` has printed a line matching `pattern`; rejects after `timeoutMs` or when it
 * exits first. For programs where probing the port would itself start work (a v2ray client turns
 * every accepted TCP connection into a tunnel).
 *
 * @example
 * ```ts
 * await waitForOutput(v2ray, /V2Ray [\d.]+ started/);
 * ```
 */
export async function waitForOutput(owner: RunningProcess, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void owner.exited.then(() => (exited = true));
  while (!pattern.test(owner.output())) {
    if (exited) throw new Error(`process exited before printing ${String(pattern)}:\n${owner.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${String(pattern)} within ${timeoutMs} ms:\n${owner.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * In a mocha `afterEach`: when the test just failed, prints the output of the programs it ran, since
 * a failure between processes is rarely explained by the assertion alone.
 *
 * @example
 * ```ts
 * afterEach(function () { printOutputOnFailure(this, { v2ray }); });
 * ```
 */
export function printOutputOnFailure(context: Mocha.Context, programs: Readonly<Record<string, { output(): string } | undefined>>): void {
  if (context.currentTest?.state !== 'failed') return;
  for (const [name, program] of Object.entries(programs)) {
    if (program !== undefined) console.log(`----- ${name} output -----\n${program.output().slice(-8_000)}`);
  }
}

/** Something a test started that prints output and can be stopped. */
export interface Stoppable {
  output(): string;
  stop(): Promise<void>;
}

/**
 * For a `describe` whose tests start programs: returns `keep`, which remembers a started program; after
 * each test every kept program is stopped, its output printed first if the test failed.
 *
 * @example
 * ```ts
 * const keep = stopAfterEach();
 * it('…', async () => { const v2ray = keep(await startV2rayServer(options)); });
 * ```
 */
export function stopAfterEach(): <T extends Stoppable>(program: T) => T {
  const running: Stoppable[] = [];
  afterEach(async function () {
    const programs = running.splice(0);
    printOutputOnFailure(this, Object.fromEntries(programs.map((program, index) => [`program ${index}`, program])));
    await Promise.all(programs.map((program) => program.stop()));
  });
  return (program) => {
    running.push(program);
    return program;
  };
}

/**
 * Calls `start` with a free port, and again with another one (up to 3 tries) when it fails because the
 * port was taken in between: on a busy machine another test can grab a port {@link freePort} returned.
 *
 * @example
 * ```ts
 * return onFreePort((port) => run(configFor(port), port));
 * ```
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      const clash = /address already in use|EADDRINUSE|cannot bind socket/i.test(String(error));
      if (!clash || attempt >= tries) throw error;
    }
  }
}
