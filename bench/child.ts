import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** A bench process that reported it is ready. */
export interface BenchChild {
  readonly pid: number;
  /** What the process printed as its ready line (JSON). */
  readonly ready: Record<string, unknown>;
  stop(): Promise<void>;
}

/** Extra `node` flags for every fixture, e.g. `--cpu-prof` when profiling. */
export const fixtureNodeFlags: string[] = [];

/**
 * Runs `bench/<script>` under tsx in its own process and waits for the first stdout line, a JSON
 * object saying it is ready (its port, usually).
 *
 * @example
 * ```ts
 * const echo = await startChild('fixtures/echo-target.ts', []);
 * console.log(echo.ready.port);
 * ```
 */
export function startChild(script: string, args: readonly string[], timeoutMs = 30_000): Promise<BenchChild> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [...fixtureNodeFlags, '--import', 'tsx', path, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return waitReady(child, script, timeoutMs);
}

/** Spawns any program whose readiness is known by `probe` (v2ray prints no ready line). */
export function wrapChild(child: ChildProcess, ready: Record<string, unknown>): BenchChild {
  return { pid: child.pid ?? -1, ready, stop: () => stopChild(child) };
}

function waitReady(child: ChildProcess, label: string, timeoutMs: number): Promise<BenchChild> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not get ready within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before it was ready`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      child.removeAllListeners('exit');
      resolve(wrapChild(child, JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(force);
}
