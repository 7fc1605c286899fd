import * as E from 'fp-ts/lib/Either.js';
import type { ConfigFormat, ConfigLogLevel } from '../../v2ray-config/deployment.js';
import { readV2rayConfig } from '../../v2ray-config/read-v2ray-config.js';
import type { InvalidConfig, TlsRequired } from '../../errors/transport-error.js';
import { configFileParts, type ConfigFilePart } from '../config/config-file-parts.js';
import { startClientPart } from './run-client.js';
import { runParts, type RunOptions } from './run-parts.js';
import { startServerPart } from './run-server.js';

/** The `h2tunnel run` flags, as the argument parser hands them over. */
export interface RunFlags {
  readonly config: readonly string[];
  readonly format?: ConfigFormat;
  readonly test?: boolean;
}

/** A config file ready to run: its parts, and the log level it asks for. */
export interface ConfigFileRun {
  readonly label: string;
  readonly parts: readonly ConfigFilePart[];
  readonly logLevel: ConfigLogLevel | undefined;
  readonly warnings: readonly string[];
}

/**
 * Reads, merges and checks the config files of `h2tunnel run`, certificate files included, so that
 * `--test` and a real start fail on exactly the same things.
 *
 * @example
 * ```ts
 * const run = await loadConfigFile({ config: ['config.json'] });
 * ```
 */
export async function loadConfigFile(flags: RunFlags): Promise<E.Either<InvalidConfig | TlsRequired, ConfigFileRun>> {
  const loaded = await readV2rayConfig(flags.config, flags.format);
  if (E.isLeft(loaded)) return loaded;
  const parts = await configFileParts(loaded.right);
  if (E.isLeft(parts)) return parts;
  return E.right({ label: loaded.right.label, parts: parts.right, logLevel: loaded.right.deployment.logLevel, warnings: loaded.right.deployment.warnings });
}

/**
 * Runs every part of a config file in this process until SIGINT/SIGTERM, then drains them together.
 * When one part cannot bind, the ones already started are closed and the error is rethrown.
 *
 * @example
 * ```ts
 * await runConfigFile(run, { log, statsIntervalS: 0, drainTimeoutS: 10 });
 * ```
 */
export async function runConfigFile(file: ConfigFileRun, run: RunOptions): Promise<void> {
  const log = run.log.child({ config: file.label });
  for (const warning of file.warnings) log.warn(warning);
  await runParts(
    file.parts.map(
      (part) => (parent, metrics) =>
        part.kind === 'client' ? startClientPart(part.config, parent, part.where, metrics) : startServerPart(part.config, parent, part.where, metrics),
    ),
    { ...run, log },
  );
}
