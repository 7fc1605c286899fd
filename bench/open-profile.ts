// `npm run build && npx tsx bench/open-profile.ts [--only=bare-http2,h2tunnel,h2tunnel-cli] [--interval=200]`:
// where a tunnel's CPU goes. Each chain in turn, under `node --cpu-prof`: the bench's warm-up, then the
// open-rate pattern (7 rounds of 50 at once, 7 of 500) twice, 7,700 tunnels. Only that window of each
// profile is read, and every sample is charged to the part of the tunnel's work it ran for
// (`report/cpu-parts.ts`). Prints a table of profiled µs per tunnel, by part, client and server. The
// profiler adds its own cost and the chains run one after the other, so compare parts within a column
// and the columns as shares, not as absolute figures (bench/README.md, "Where a tunnel's CPU goes").
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchFiles } from './bench-files.js';
import { startChain, type ChainName } from './chains/chain.js';
import { fixtureNodeFlags, startChild } from './child.js';
import { openRate } from './load/open-rate.js';
import { warmUp } from './load/warm-up.js';
import { cpuParts } from './report/cpu-parts.js';

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const names = (option('only') ?? 'bare-http2,h2tunnel,h2tunnel-cli').split(',') as ChainName[];
const interval = Number(option('interval') ?? 200);
const PASSES = 2;
const TUNNELS = PASSES * 7 * (50 + 500);

const { dir, certFile, keyFile } = await benchFiles('h2t-open-profile-');
const profiles = mkdtempSync(join(tmpdir(), 'h2t-open-profile-'));
const echo = await startChild('fixtures/echo-target.ts', []);
const columns = new Map<string, Map<string, number>>();
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
for (const name of names) {
  const out = join(profiles, name);
  fixtureNodeFlags.splice(0, fixtureNodeFlags.length, '--cpu-prof', `--cpu-prof-dir=${out}`, `--cpu-prof-interval=${interval}`);
  const chain = await startChain(name, { dir, certFile, keyFile, echoPort: echo.ready.port as number, v2ray: undefined });
  await warmUp(chain.entryPort, 5_000, 20e6);
  const from = monotonicUs();
  for (let pass = 0; pass < PASSES; pass++) {
    await openRate(chain.entryPort, 50, 7);
    await openRate(chain.entryPort, 500, 7);
  }
  const to = monotonicUs();
  await chain.stop();
  for (const [side, pid] of [
    ['client', chain.client?.pid],
    ['server', chain.server?.pid],
  ] as const) {
    // The main thread's profile; a loader thread writes one of its own.
    const file = readdirSync(out).find((f) => f.includes(`.${pid}.0.`));
    if (file !== undefined) columns.set(`${name} ${side}`, cpuParts(join(out, file), from, to));
  }
}
await echo.stop();

const labels = [...columns.keys()];
const parts = [...new Set([...columns.values()].flatMap((parts) => [...parts.keys()]))].sort();
const cell = (label: string, part: string) => {
  const us = columns.get(label)?.get(part);
  return us === undefined ? '' : (us / TUNNELS).toFixed(0);
};
const total = (label: string) => ([...(columns.get(label)?.values() ?? [])].reduce((a, b) => a + b, 0) / TUNNELS).toFixed(0);
const lines = [
  `| profiled µs per tunnel (interval ${interval} µs) | ${labels.join(' | ')} |`,
  `| --- | ${labels.map(() => '---:').join(' | ')} |`,
  ...parts.map((part) => `| ${part} | ${labels.map((label) => cell(label, part)).join(' | ')} |`),
  `| **total** | ${labels.map(total).join(' | ')} |`,
];
process.stdout.write(`${lines.join('\n')}\n\nprofiles: ${profiles}\n`);
process.exit(0);
