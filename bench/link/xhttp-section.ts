import type { XhttpChainName } from '../chains/xhttp-chain.js';
import { openTime } from '../load/open-time.js';
import { throughput } from '../load/throughput.js';
import { coldFirstByte } from './link-load.js';
import { startLinkedChain, type LinkedContext } from './linked-chain.js';
import type { LinkFigures, LinkPlan } from './section.js';

/**
 * The XHTTP chains through the emulated link at each RTT of `plan`: warm first byte, cold first byte
 * (a fresh client process; none when `plan.coldSamples` is 0) and one tunnel's bulk echo. Ours and Xray's of a mode run back to back, as
 * `names` orders them. The first byte under load and eight tunnels are left to the main link section:
 * issue 25 asks one tunnel and the first byte of each mode, and the quick run has a time budget. A failed
 * measurement is recorded in `errors` and the rest go on.
 *
 * @example
 * ```ts
 * const { figures } = await runXhttpLinkSection(context, ['xhttp-stream-one', 'xray-stream-one'], plan.link, console.error);
 * figures['40']?.['xray-stream-one']?.warmP50;
 * ```
 */
export async function runXhttpLinkSection(
  context: LinkedContext,
  names: readonly XhttpChainName[],
  plan: LinkPlan,
  log: (line: string) => void,
): Promise<{ figures: LinkFigures; errors: string[] }> {
  const figures: LinkFigures = {};
  const errors: string[] = [];
  for (const rtt of plan.rttsMs) {
    const byChain: Record<string, Record<string, number>> = (figures[String(rtt)] = {});
    for (const name of names) {
      const label = `link ${rtt} ms ${name}`;
      const t0 = Date.now();
      try {
        const chain = await startLinkedChain(name, context, { delayMs: rtt / 2 });
        try {
          const warm = await openTime(chain.entryPort, plan.warmSamples);
          const cold: Record<string, number> = plan.coldSamples > 0 ? { coldP50: (await coldFirstByte(chain, plan.coldSamples)).p50Ms } : {};
          const one = await throughput(chain.entryPort, 1, plan.bulkBytes);
          const result: Record<string, number> = { warmP50: warm.p50Ms, warmP99: warm.p99Ms, ...cold, bulk1: one.mbPerSecond };
          byChain[name] = result;
          log(`${label}: ${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v))} (${Date.now() - t0} ms)`);
        } finally {
          await chain.stop();
        }
      } catch (error) {
        errors.push(`${label}: ${(error as Error).message}`);
        log(`${label} FAILED: ${(error as Error).message}`);
      }
    }
  }
  return { figures, errors };
}
