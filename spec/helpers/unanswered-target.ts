import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** A TCP port whose connects never complete, and a way to stop it. */
export interface UnansweredTarget {
  readonly port: number;
  close(): Promise<void>;
}

// A listener that never accepts, with its one-place accept queue already full: the kernel then drops
// every further SYN, as a firewall that drops packets would. Node always accepts, so Python holds it.
const SCRIPT = `
import socket, sys
listener = socket.socket(); listener.bind(('127.0.0.1', 0)); listener.listen(0)
fillers = []
for _ in range(2):
    filler = socket.socket(); filler.setblocking(False)
    try: filler.connect(listener.getsockname())
    except BlockingIOError: pass
    fillers.append(filler)
print(listener.getsockname()[1], flush=True)
sys.stdin.read()
`;

/**
 * Starts a forward target that never answers a connect (its accept queue is full), for connect timeouts.
 *
 * @example
 * ```ts
 * const target = await startUnansweredTarget();
 * after(() => target.close());
 * ```
 */
export async function startUnansweredTarget(): Promise<UnansweredTarget> {
  const child: ChildProcess = spawn('python3', ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  if (child.stdout === null) throw new Error('python3 gave no stdout');
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  // Let the fillers' handshakes land in the queue before anyone relies on it being full.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    port: Number(String(line).trim()),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
