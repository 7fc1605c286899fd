import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The Go peers that `.ci/install-peers` builds (Xray, v2fly v5); apt-get has the rest. */
const BUILT_PEERS: readonly string[] = ['xray', 'v2fly'];

/**
 * The folder where `.ci/install-peers` leaves the Go peers it builds: `$H2TUNNEL_PEERS_DIR/bin`, by
 * default `~/.cache/h2tunnel-peers/bin` (outside the repository, so a clone or `git clean` keeps them).
 *
 * @example
 * ```ts
 * peersBinDir(); // '~/.cache/h2tunnel-peers/bin' (expanded)
 * ```
 */
export function peersBinDir(): string {
  const dir = process.env.H2TUNNEL_PEERS_DIR;
  return join(dir !== undefined && dir !== '' ? dir : join(homedir(), '.cache', 'h2tunnel-peers'), 'bin');
}

/**
 * The path of an external program the interop tests need (v2ray, caddy, haproxy, curl, nghttp, and
 * xray and v2fly), or `undefined` so the suite can skip on a laptop without it. A program not on PATH is
 * also looked for in {@link peersBinDir}, so a developer who ran `.ci/install-peers` once needs nothing
 * else. Under CI (`CI=true`) a missing program is a failure, never a skip: CI installs them all.
 *
 * @example
 * ```ts
 * findBinary('v2ray'); // '/usr/bin/v2ray'
 * findBinary('xray'); // '~/.cache/h2tunnel-peers/bin/xray' (expanded), after .ci/install-peers
 * ```
 */
export function findBinary(name: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const onPath = found.status === 0 ? found.stdout.trim() : '';
  if (onPath !== '') return onPath;
  const built = join(peersBinDir(), name);
  if (isExecutableFile(built)) return built;
  if (process.env.CI === 'true') {
    const how = BUILT_PEERS.includes(name) ? `run .ci/install-peers, which builds it into ${peersBinDir()}` : 'install it with apt-get';
    throw new Error(`${name} is not installed, and CI must run every interop test (${how})`);
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Calls `this.skip()` in a mocha `before` hook when `name` is missing (and throws under CI).
 *
 * @example
 * ```ts
 * let v2ray: string;
 * before(function () { v2ray = requireBinary(this, 'v2ray'); });
 * ```
 */
export function requireBinary(context: Mocha.Context, name: string): string {
  const path = findBinary(name);
  if (path === undefined) context.skip();
  return path;
}
