import { readFileSync } from 'node:fs';

/** The parts of a tunnel's work a CPU sample is charged to (bench/README.md, "Where a tunnel's CPU goes"). */
const PARTS: readonly (readonly [RegExp, string])[] = [
  [/\/dist\/esm\/client\/pool\//, 'session manager + lease'],
  [/async-mutex/, 'async-mutex (two trips)'],
  [/\/dist\/esm\/client\/stages\/request-tunnel\.js/, 'tunnel request (with Node request())'],
  [/\/dist\/esm\/(client\/dial|client\/report-tunnel|settings\/)|fp-ts/, 'dial plan, settings'],
  [/\/dist\/esm\/connection\/peer-end\.js/, 'stream data path (with Node delivery)'],
  [/\/dist\/esm\/connection\//, 'Connection'],
  [/\/dist\/esm\/forward\/early-bytes\.js/, '0-RTT early phase'],
  [/\/dist\/esm\/(forward\/bridge|forward\/traffic|net\/)/, 'bridge (pipe, idle timer, reset check)'],
  [/\/dist\/esm\/forward\//, 'CLI listener / forwarder (with net.connect)'],
  [/\/dist\/esm\/(server|protocol)\//, 'server hub (route, respond)'],
  [/\/dist\/esm\/session\//, 'session (window tuner, health)'],
  [/\/dist\/esm\//, 'other library code'],
  [/node_modules\/rxjs/, 'rxjs'],
  [/\/bench\/fixtures\/pipe-sockets/, 'fixture: pipe'],
  [/\/bench\//, 'fixture: accept, request/respond, connect'],
];

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/**
 * The busy time of one `--cpu-prof` profile between `from` and `to` (µs on the monotonic clock, as
 * `process.hrtime`), by part: each sample is charged to the innermost frame of our code on its stack,
 * so Node's own work done for a part (a `request()`, a listener added) counts as that part's, and
 * samples with none of ours are Node's I/O callbacks, the engine or GC. In µs, summed.
 *
 * @example
 * ```ts
 * const parts = cpuParts('CPU.123.cpuprofile', t0, t1); // Map { 'rxjs' => 180000, … }
 * ```
 */
export function cpuParts(file: string, from: number, to: number): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const partOf = new Map<number, string>();
  const charge = (id: number): string => {
    const known = partOf.get(id);
    if (known !== undefined) return known;
    const { url, functionName } = (byId.get(id) as ProfileNode).callFrame;
    const ours = PARTS.find(([pattern]) => pattern.test(url))?.[1];
    const up = parent.get(id);
    const part =
      ours ??
      (up !== undefined && charge(up) !== 'Node I/O callbacks, timers'
        ? charge(up)
        : functionName === '(garbage collector)'
          ? 'GC'
          : functionName === '(program)'
            ? 'engine (program)'
            : 'Node I/O callbacks, timers');
    partOf.set(id, part);
    return part;
  };
  const parts = new Map<string, number>();
  let at = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    at += profile.timeDeltas[i] ?? 0;
    const spent = profile.timeDeltas[i + 1] ?? 0;
    if (at < from || at > to || byId.get(id)?.callFrame.functionName === '(idle)') continue;
    const part = charge(id);
    parts.set(part, (parts.get(part) ?? 0) + spent);
  }
  return parts;
}
