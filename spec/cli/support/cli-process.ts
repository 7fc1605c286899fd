import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where the CLI is run from. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

/** How a finished CLI run went. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One JSON log line of the CLI. */
export type LogLine = Record<string, unknown> & { readonly msg?: string; readonly level?: string };

/** A CLI process still running, its log parsed as it arrives. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Every JSON log line so far. */
  readonly lines: LogLine[];
  stderr(): string;
  /** Resolves with the first log line (past or future) that `match` accepts; rejects on exit or after `ms`. */
  waitFor(match: (line: LogLine) => boolean, what: string, ms?: number): Promise<LogLine>;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  /** SIGKILLs it if still running and waits. */
  kill(): Promise<void>;
}

/**
 * Runs `h2tunnel ARGS` from source (`node --import tsx src/cli/main.ts`) to completion.
 *
 * @example
 * ```ts
 * const { code, stderr } = await runCli(['client', '--listen', 'nope']);
 * ```
 */
export function runCli(args: readonly string[], timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`h2tunnel ${args.join(' ')} did not exit within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Starts a long-running `h2tunnel ARGS` (client or server) and parses its JSON log lines.
 *
 * @example
 * ```ts
 * const server = startCli(['server', '--listen', '127.0.0.1:0', '--forward', target, '--h2c']);
 * const ready = await server.waitFor((l) => l.msg === 'server listening', 'listening');
 * ```
 */
export function startCli(args: readonly string[]): CliProcess {
  const child = spawnCli(args);
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stderr = (stderr + text).slice(-64_000);
    partial += text;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const raw of complete) {
      try {
        lines.push(JSON.parse(raw) as LogLine);
      } catch {
        // Not a log line (a one-line error message); kept in stderr().
      }
    }
    waiters.forEach((wake) => wake());
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let done = false;
  void exited.then(() => {
    done = true;
    waiters.forEach((wake) => wake());
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor: (match, what, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}:\n${stderr}`)), ms);
        const check = () => {
          const found = lines.find(match);
          if (found !== undefined) finish(undefined, found);
          else if (done) finish(new Error(`h2tunnel exited before ${what}:\n${stderr}`));
        };
        const finish = (error: Error | undefined, line?: LogLine) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error !== undefined) reject(error);
          else resolve(line as LogLine);
        };
        waiters.add(check);
        check();
      }),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The TCP port of an address a `listening` log line reports (`127.0.0.1:PORT`). */
export function portOf(line: LogLine): number {
  const port = Number(/:(\d+)$/.exec(String(line.address))?.[1]);
  if (!Number.isInteger(port) || port === 0) throw new Error(`no port in ${JSON.stringify(line)}`);
  return port;
}

function spawnCli(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}
