import type { LinkPlan } from './link/section.js';

/** How much each measurement does: the full run (~3-5 min) or the `--quick` smoke run (< 60 s). */
export interface Plan {
  /** Tunnels opened and bytes echoed through every chain before the timed measurements. */
  readonly warmUpTunnels: number;
  readonly warmUpBytes: number;
  /** Opened and echoed through a chain again right before each timed measurement of it (finding 18). */
  readonly rewarmTunnels: number;
  readonly rewarmBytes: number;
  readonly oneTunnelBytes: number;
  /** One-tunnel throughput is measured this many times; the best counts. */
  readonly throughputRepeats: number;
  readonly openSamples: number;
  readonly rateRounds: number;
  readonly hold: number;
  readonly sweep: readonly number[];
  readonly sweepBytes: number;
  /** The emulated-link section. */
  readonly link: LinkPlan;
}

/**
 * The sizes of a run.
 *
 * @example
 * ```ts
 * const { oneTunnelBytes } = plan(process.argv.includes('--quick'));
 * ```
 */
export function plan(quick: boolean): Plan {
  return quick
    ? {
        warmUpTunnels: 500,
        warmUpBytes: 10e6,
        rewarmTunnels: 100,
        rewarmBytes: 2e6,
        oneTunnelBytes: 20e6,
        throughputRepeats: 1,
        openSamples: 40,
        rateRounds: 1,
        hold: 200,
        sweep: [1, 10, 100],
        sweepBytes: 10e6,
        link: { rttsMs: [40], warmSamples: 20, coldSamples: 2, bulkBytes: 16e6, heldSeconds: 5, loadSamples: 10, loadRateMBps: 50, fillMs: 500 },
      }
    : {
        warmUpTunnels: 5_000,
        warmUpBytes: 50e6,
        rewarmTunnels: 1_000,
        rewarmBytes: 10e6,
        oneTunnelBytes: 200e6,
        throughputRepeats: 3,
        openSamples: 300,
        rateRounds: 7,
        hold: 2_000,
        sweep: [1, 10, 100, 1_000, 5_000],
        sweepBytes: 100e6,
        link: { rttsMs: [10, 40, 150], warmSamples: 50, coldSamples: 5, bulkBytes: 64e6, heldSeconds: 20, loadSamples: 30, loadRateMBps: 50, fillMs: 1_000 },
      };
}
