// v2ray's own spellings, so a v2ray command line works with the binary's name changed: v2ray 4.x runs
// `v2ray -config FILE` (and `-test`), v2fly v5 `v2ray run -c FILE -format jsonv5`. Go's flag package
// takes one dash or two, and `-flag=value`.
const SINGLE_DASH = new Map([
  ['-config', '--config'],
  ['-test', '--test'],
  ['-format', '--format'],
]);

/**
 * Rewrites v2ray-style arguments into h2tunnel's: `-config` → `--config`, `-test` → `--test`, `-format`
 * → `--format`, and a command line without a command that starts with one of them (v2ray 4.x) gets `run`.
 * `argv` is the user's arguments, without node and the script.
 *
 * @example
 * ```ts
 * v2rayStyleArgs(['-config', 'a.json', '-test']); // ['run', '--config', 'a.json', '--test']
 * ```
 */
export function v2rayStyleArgs(argv: readonly string[]): string[] {
  const out = argv.map((arg) => {
    const [name, ...value] = arg.split('=');
    const long = SINGLE_DASH.get(name ?? '');
    return long === undefined ? arg : [long, ...value].join('=');
  });
  const first = out[0];
  const startsWithConfig = first !== undefined && (first === '-c' || /^--(config|test|format)(=|$)/.test(first));
  return startsWithConfig ? ['run', ...out] : out;
}
