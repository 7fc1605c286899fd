import type { ReuseLimits } from '../../settings/xhttp-settings.js';
import type { PooledSession } from './pooled-session.js';
import { chooseSession, drawPool, isUnlimited, spentFor, type PoolDraw } from './reuse-policy.js';

const NO_DRAW = drawPool(undefined);

/**
 * The session cache by pool (a server, its TLS identity and the dials' reuse limits): which sessions take
 * new tunnels, and what each pool drew once from its limits. Mutated only under the manager's mutex.
 *
 * @example
 * ```ts
 * const entry = pools.choose(pool, settings.reuse, Date.now(), (spent, why) => retire(spent, why)) ?? openNew();
 * ```
 */
export class SessionPools {
  private readonly pools = new Map<string, PooledSession[]>();
  /** Drawn once per pool and kept, as Xray keeps its XmuxManager per destination for the process's life. */
  private readonly draws = new Map<string, PoolDraw>();

  /**
   * The session of `pool` the next tunnel goes to under `limits`, or undefined when a new one is to open.
   * Sessions whose limits are spent leave the pool first, each handed to `retire` with the reason.
   */
  choose(pool: string, limits: ReuseLimits | undefined, now: number, retire: (entry: PooledSession, why: string) => void): PooledSession | undefined {
    const entries = this.pools.get(pool);
    if (entries === undefined) return undefined;
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i] as PooledSession;
      const why = spentFor('tunnel', entry.quota, entry.use, now);
      if (why === undefined) continue;
      this.remove(entry);
      retire(entry, why);
    }
    return chooseSession(entries, this.drawFor(pool, limits));
  }

  add(entry: PooledSession): void {
    const entries = this.pools.get(entry.pool);
    if (entries === undefined) this.pools.set(entry.pool, [entry]);
    else entries.push(entry);
  }

  /** Takes exactly this entry out: a newer session of the same pool stays. */
  remove(entry: PooledSession): void {
    const entries = this.pools.get(entry.pool);
    const index = entries?.indexOf(entry) ?? -1;
    if (entries === undefined || index < 0) return;
    entries.splice(index, 1);
    if (entries.length === 0) this.pools.delete(entry.pool);
  }

  clear(): void {
    this.pools.clear();
  }

  private drawFor(pool: string, limits: ReuseLimits | undefined): PoolDraw {
    if (isUnlimited(limits)) return NO_DRAW;
    let draw = this.draws.get(pool);
    if (draw === undefined) {
      draw = drawPool(limits);
      this.draws.set(pool, draw);
    }
    return draw;
  }
}
