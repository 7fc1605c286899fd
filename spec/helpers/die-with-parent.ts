import { spawnSync } from 'node:child_process';

/**
 * `command` and `args` wrapped so that the program gets SIGTERM when the test process dies, however it
 * dies: `setpriv --pdeathsig TERM` (util-linux) sets the kernel's parent-death signal and execs the
 * program under the same pid. Without it a test run killed by a timeout or ^C leaves Go peers and nginx
 * running forever, holding ports and CPU on a shared machine. Where setpriv is missing, unwrapped.
 *
 * @example
 * ```ts
 * const [program, programArgs] = dieWithParent('/usr/sbin/nginx', ['-c', file]);
 * startProcess(program, programArgs);
 * ```
 */
export function dieWithParent(command: string, args: readonly string[]): [string, string[]] {
  const setpriv = findSetpriv();
  return setpriv === undefined ? [command, [...args]] : [setpriv, ['--pdeathsig', 'TERM', command, ...args]];
}

let found: string | null | undefined;

// Not through findBinary: setpriv is optional even under CI, where only a killed run's clean-up depends on it.
function findSetpriv(): string | undefined {
  if (found === undefined) {
    const lookup = spawnSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' });
    found = lookup.status === 0 && lookup.stdout.trim() !== '' ? lookup.stdout.trim() : null;
  }
  return found ?? undefined;
}
