// `npm run build && npx tsx bench/plain-harness.ts [--rounds=3] [--mb=200]`: one-tunnel throughput as a
// user would first measure it, beside what `npm run bench` reports. Fresh `h2tunnel client` and `server`
// processes with default flags (and a fresh v2ray pair), a driver in its own process writing 64 KiB
// chunks through one tunnel, a bare `socket.pipe(socket)` echo target; then the same processes again
// after a 50 MB warm-up, which is what the bench measures. Prints medians and the ratios.
import { rmSync } from 'node:fs';
import { findBinary } from '../spec/helpers/binaries.js';
import { benchFiles } from './bench-files.js';
import { startCliClient, startCliServer } from './chains/cli-chain.js';
import { startV2rayClient, startV2rayServer } from './chains/v2ray-chain.js';
import { startChild, type BenchChild } from './child.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => Number(argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const rounds = flag('rounds', 3);
const bytes = flag('mb', 200) * 1e6;
const log = (line: string) => process.stderr.write(`${line}\n`);

const { dir, ...files } = await benchFiles('h2t-plain-');
const v2ray = findBinary('v2ray');

type Pair = { client: BenchChild; server: BenchChild };
const chains: Record<string, (echoPort: number) => Promise<Pair>> = {
  'h2tunnel CLI': async (echoPort) => {
    const server = await startCliServer(files, echoPort, { defaults: true });
    return { server, client: await startCliClient(files, server.ready.port as number, { defaults: true }) };
  },
};
if (v2ray !== undefined) {
  chains['v2ray 4.34'] = async (echoPort) => {
    const server = await startV2rayServer(v2ray, dir, files, echoPort);
    return { server, client: await startV2rayClient(v2ray, dir, server.ready.port as number) };
  };
}

const drive = async (port: number, total: number): Promise<number> => {
  const result = (await startChild('fixtures/bulk-driver.ts', [String(port), String(total)], 120_000)).ready;
  if (typeof result.mbPerSecond !== 'number') throw new Error(`driver failed: ${JSON.stringify(result)}`);
  return result.mbPerSecond;
};
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const fresh: Record<string, number[]> = {};
const warmed: Record<string, number[]> = {};
try {
  for (let round = 1; round <= rounds; round++) {
    for (const [name, start] of Object.entries(chains)) {
      const echo = await startChild('fixtures/echo-target.ts', []);
      const pair = await start(echo.ready.port as number);
      try {
        const port = pair.client.ready.port as number;
        const first = await drive(port, bytes);
        await drive(port, 50e6);
        const again = await drive(port, bytes);
        (fresh[name] ??= []).push(first);
        (warmed[name] ??= []).push(again);
        log(`round ${round} ${name}: fresh ${first.toFixed(1)} MB/s, after a 50 MB warm-up ${again.toFixed(1)} MB/s`);
      } finally {
        await pair.client.stop();
        await pair.server.stop();
        await echo.stop();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const ours = 'h2tunnel CLI';
const theirs = 'v2ray 4.34';
process.stdout.write(`| one tunnel, ${bytes / 1e6} MB, median of ${rounds} | ${ours} | ${theirs} | ratio |\n| --- | ---: | ---: | ---: |\n`);
for (const [label, figures] of [
  ['fresh processes (MB/s)', fresh],
  ['after a 50 MB warm-up (MB/s)', warmed],
] as const) {
  const a = median(figures[ours] ?? []);
  const b = median(figures[theirs] ?? []);
  process.stdout.write(`| ${label} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(a / b).toFixed(2)}x |\n`);
}
