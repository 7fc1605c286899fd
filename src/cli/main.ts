import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import type { TransportErrorTag } from '../errors/transport-error.js';
import { isTransportError } from '../errors/error-guards.js';
import { ExitStatus } from './exit-status.js';
import { buildProgram } from './program.js';
import { v2rayStyleArgs } from './v2ray-args.js';

// Problems with what the operator asked for: fix the command line or the files, then retry.
const USAGE_TAGS: ReadonlySet<TransportErrorTag> = new Set(['InvalidConfig', 'TlsRequired', 'ListenFailed']);

/** Exit status for bad input (flags, files, an address in use), as most command-line tools. */
export const EXIT_USAGE = 2;

/**
 * Runs the `h2tunnel` command line and resolves with the exit status: 0 after a clean run or drain,
 * 2 for bad input (one line on stderr naming the problem, no stack trace), 1 for anything else.
 *
 * @example
 * ```ts
 * process.exit(await main(process.argv));
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram({ out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
  try {
    const [node = 'node', script = 'h2tunnel', ...args] = argv;
    await program.parseAsync([node, script, ...v2rayStyleArgs(args)]);
    return 0;
  } catch (error) {
    // Commander has printed its message (or the help/version) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (error instanceof ExitStatus) return error.status;
    const usage = isTransportError(error) && USAGE_TAGS.has(error._tag);
    process.stderr.write(`h2tunnel: ${error instanceof Error ? error.message : String(error)}\n`);
    return usage ? EXIT_USAGE : 1;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exit(await main(process.argv));
