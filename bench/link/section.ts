import { openTime } from '../load/open-time.js';
import { throughput } from '../load/throughput.js';
import { saturateBoth } from '../soak/saturate-both.js';
import { coldFirstByte, firstByteUnderLoad } from './link-load.js';
import { startLinkedChain, type LinkedChainName, type LinkedContext } from './linked-chain.js';

/** How much the link section does at each round-trip time. */
export interface LinkPlan {
  readonly rttsMs: readonly number[];
  readonly warmSamples: number;
  readonly coldSamples: number;
  readonly bulkBytes: number;
  /** How long one tunnel's echo is held full after the bulk transfers warmed the chain up, in seconds. */
  readonly heldSeconds: number;
  readonly loadSamples: number;
  /** The rate-limited link of the under-load metric, MB/s each way. */
  readonly loadRateMBps: number;
  /** How long the bulk tunnel fills the link before the short ones are timed. */
  readonly fillMs: number;
}

/** Figures by RTT (ms, as a string key), then chain, then metric. */
export type LinkFigures = Record<string, Record<string, Record<string, number>>>;

export const LINK_CHAINS: readonly LinkedChainName[] = ['raw-tcp', 'stunnel', 'h2tunnel', 'h2tunnel-cli', 'h2tunnel-cli-bulk-cap', 'v2ray'];

/**
 * Every chain through the emulated link at each RTT: warm and cold first byte, one and eight tunnels of
 * bulk echo, one tunnel held full after them, then the first byte of short tunnels while a bulk one fills a rate-limited link. Chains run
 * one after another; a failed measurement is recorded in `errors` and the rest go on.
 *
 * @example
 * ```ts
 * const { figures } = await runLinkSection(context, ['v2ray', 'h2tunnel-cli'], plan.link, console.error);
 * ```
 */
export async function runLinkSection(
  context: LinkedContext,
  names: readonly LinkedChainName[],
  plan: LinkPlan,
  log: (line: string) => void,
): Promise<{ figures: LinkFigures; errors: string[] }> {
  const figures: LinkFigures = {};
  const errors: string[] = [];
  const measure = async (label: string, run: () => Promise<Record<string, number>>, into: Record<string, number>) => {
    const t0 = Date.now();
    try {
      const result = await run();
      Object.assign(into, result);
      log(`${label}: ${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v))} (${Date.now() - t0} ms)`);
    } catch (error) {
      errors.push(`${label}: ${(error as Error).message}`);
      log(`${label} FAILED: ${(error as Error).message}`);
    }
  };
  for (const rtt of plan.rttsMs) {
    const byChain: Record<string, Record<string, number>> = (figures[String(rtt)] = {});
    for (const name of names) {
      const into: Record<string, number> = (byChain[name] = {});
      const label = `link ${rtt} ms ${name}`;
      await measure(
        label,
        async () => {
          const chain = await startLinkedChain(name, context, { delayMs: rtt / 2 });
          try {
            const warm = await openTime(chain.entryPort, plan.warmSamples);
            const cold = await coldFirstByte(chain, plan.coldSamples);
            const one = await throughput(chain.entryPort, 1, plan.bulkBytes);
            const eight = await throughput(chain.entryPort, 8, plan.bulkBytes / 8);
            // The transfers above were the warm-up: what a daemon carries once its code is compiled and its
            // windows are sized, rather than the ramp of fresh processes that the first 64 MB reads.
            const held = await saturateBoth(chain.entryPort, 1, plan.heldSeconds, () => undefined);
            return {
              warmP50: warm.p50Ms,
              warmP99: warm.p99Ms,
              coldP50: cold.p50Ms,
              bulk1: one.mbPerSecond,
              bulk8: eight.mbPerSecond,
              held1: held.received / 1e6 / plan.heldSeconds,
            };
          } finally {
            await chain.stop();
          }
        },
        into,
      );
      await measure(
        `${label} under load`,
        async () => {
          const chain = await startLinkedChain(name, context, { delayMs: rtt / 2, rateMBps: plan.loadRateMBps });
          try {
            const loaded = await firstByteUnderLoad(chain, plan.loadSamples, plan.fillMs);
            return { loadedP50: loaded.p50Ms, loadedP99: loaded.p99Ms, loadedBulk: loaded.bulkMBps };
          } finally {
            await chain.stop();
          }
        },
        into,
      );
    }
  }
  return { figures, errors };
}
