// `npm run bench:metrics`: what `--metrics` costs per tunnel opened. Three CLI chains, the same but for
// `--metrics` on both ends (with Node's process metrics, and with `--no-node-metrics`), are driven at
// the same time, round after round, and each one's own CPU is read from /proc. Measured one after the
// other they differ by ±40 %: a chain that sat idle while another ran has shrunk its heap and pays for it
// (bench/README.md, findings 18 and 21). Driven together, all are equally warm and share the same
// contention. Prints each round and the ratios of the medians; the target is ≤ 1.03×.
import { benchFiles } from './bench-files.js';
import { startCliChain, type CliFlags } from './chains/cli-chain.js';
import { startChild, type BenchChild } from './child.js';
import { cpuSeconds } from './load/footprint.js';
import { openRate } from './load/open-rate.js';
import { warmUp } from './load/warm-up.js';

const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 8);
const TUNNELS_PER_ROUND = 3_000;

type Variant = 'off' | 'on' | 'lean';
const VARIANTS: readonly Variant[] = ['off', 'on', 'lean'];
const FLAGS: Readonly<Record<Variant, CliFlags>> = { off: {}, on: { metrics: true }, lean: { metrics: true, nodeMetrics: false } };
const LABELS: Readonly<Record<Variant, string>> = { off: 'no --metrics', on: '--metrics', lean: '--metrics --no-node-metrics' };

const { certFile, keyFile } = await benchFiles('h2t-bench-metrics-');
const echo = await startChild('fixtures/echo-target.ts', []);
const chains = new Map<Variant, { readonly client: BenchChild; readonly server: BenchChild }>();
const samples = new Map<Variant, number[]>(VARIANTS.map((variant) => [variant, []]));
const chainOf = (variant: Variant) => chains.get(variant) as { readonly client: BenchChild; readonly server: BenchChild };
const cpu = (variant: Variant) => cpuSeconds(chainOf(variant).client.pid) + cpuSeconds(chainOf(variant).server.pid);
const port = (variant: Variant) => chainOf(variant).client.ready.port as number;
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

try {
  for (const variant of VARIANTS) chains.set(variant, await startCliChain({ certFile, keyFile }, echo.ready.port as number, FLAGS[variant]));
  for (const variant of VARIANTS) await warmUp(port(variant), 2_000, 64 * 1024);
  for (let round = 0; round < ROUNDS; round++) {
    const before = new Map(VARIANTS.map((variant) => [variant, cpu(variant)]));
    await Promise.all(VARIANTS.map((variant) => openRate(port(variant), 50, TUNNELS_PER_ROUND / 50)));
    for (const variant of VARIANTS) samples.get(variant)?.push(((cpu(variant) - (before.get(variant) ?? 0)) * 1e6) / TUNNELS_PER_ROUND);
    process.stderr.write(`round ${round + 1}: ${VARIANTS.map((variant) => `${variant} ${samples.get(variant)?.at(-1)?.toFixed(0)} µs`).join(', ')}\n`);
  }
  const off = median(samples.get('off') ?? []);
  const lines = VARIANTS.map((variant) => {
    const value = median(samples.get(variant) ?? []);
    const ratio = value / off;
    const verdict = variant === 'off' ? '' : `, ${ratio.toFixed(3)}× (target ≤ 1.03×: ${ratio <= 1.03 ? 'met' : 'missed'})`;
    return `  ${LABELS[variant]}: ${value.toFixed(0)} µs${verdict}`;
  });
  process.stdout.write(
    `CPU per tunnel opened, client + server, median of ${ROUNDS} rounds of ${TUNNELS_PER_ROUND}, the chains driven together:\n${lines.join('\n')}\n`,
  );
} finally {
  for (const chain of chains.values()) {
    await chain.client.stop();
    await chain.server.stop();
  }
  await echo.stop();
}
