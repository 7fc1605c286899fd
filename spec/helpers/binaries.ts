import { spawnSync } from 'node:child_process';

/**
 * The path of an external program the interop tests need (v2ray, caddy, haproxy, curl, nghttp), or
 * `undefined` so the suite can skip on a laptop without it. Under CI (`CI=true`) a missing program is
 * a failure, never a skip: CI installs them all.
 */
export function findBinary(name: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.status === 0 ? found.stdout.trim() : '';
  if (path !== '') return path;
  if (process.env.CI === 'true') throw new Error(`${name} is not installed, and CI must run every interop test (install it with apt-get)`);
  return undefined;
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
