// `npm run bench:metrics`: what `--metrics` costs per tunnel opened. Two CLI chains, the same but for
// `--metrics` on both ends, are driven at the same time, round after round, and each one's own CPU is
// read from /proc. Measured one after the other they differ by ±40 %: a chain that sat idle while the
// other ran has shrunk its heap and pays for it (bench/README.md). Driven together, both are equally
// warm and share the same contention. Prints each round and the ratio of the medians; target ≤ 1.03×.
import { benchFiles } from './bench-files.js';
import { startChain, type Chain } from './chains/chain.js';
import { startChild } from './child.js';
import { cpuSeconds } from './load/footprint.js';
import { openRate } from './load/open-rate.js';
import { warmUp } from './load/warm-up.js';

const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 8);
const TUNNELS_PER_ROUND = 3_000;

const { dir, certFile, keyFile } = await benchFiles('h2t-bench-metrics-');
const echo = await startChild('fixtures/echo-target.ts', []);
const context = { dir, certFile, keyFile, echoPort: echo.ready.port as number, v2ray: undefined };
const off = await startChain('h2tunnel-cli', context);
const on = await startChain('h2tunnel-cli-metrics', context);
const cpu = (chain: Chain) => cpuSeconds(chain.client?.pid) + cpuSeconds(chain.server?.pid);
const samples: Record<'on' | 'off', number[]> = { on: [], off: [] };

try {
  for (const chain of [off, on]) await warmUp(chain.entryPort, 2_000, 64 * 1024);
  for (let round = 0; round < ROUNDS; round++) {
    const before = { on: cpu(on), off: cpu(off) };
    await Promise.all([on, off].map((chain) => openRate(chain.entryPort, 50, TUNNELS_PER_ROUND / 50)));
    for (const [name, chain] of [
      ['on', on],
      ['off', off],
    ] as const)
      samples[name].push(((cpu(chain) - before[name]) * 1e6) / TUNNELS_PER_ROUND);
    process.stderr.write(`round ${round + 1}: on ${samples.on.at(-1)?.toFixed(0)} µs, off ${samples.off.at(-1)?.toFixed(0)} µs\n`);
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  };
  const ratio = median(samples.on) / median(samples.off);
  process.stdout.write(
    `CPU per tunnel opened, client + server, median of ${ROUNDS} rounds of ${TUNNELS_PER_ROUND} each, driven together: --metrics on ${median(samples.on).toFixed(0)} µs, off ${median(samples.off).toFixed(0)} µs: ${ratio.toFixed(3)}× (target ≤ 1.03×: ${ratio <= 1.03 ? 'met' : 'missed'})\n`,
  );
} finally {
  await on.stop();
  await off.stop();
  await echo.stop();
}
