/** Gives a taken slot back; a second call does nothing. */
export type ReleaseSlot = () => void;

/**
 * The tunnels a server holds now, of every wire shape: what `maxTunnels` caps and `stats().tunnels`
 * reports. A slot is taken before the 200 (a refusal the client can retry elsewhere) and given back when
 * the tunnel closes. An XHTTP download and its packets or upload are one tunnel: only the request that
 * makes the tunnel takes a slot.
 *
 * @example
 * ```ts
 * const slot = count.take();
 * if (slot === 'full') return refuse(503);
 * stream.once('close', slot);
 * ```
 */
export class TunnelCount {
  private open = 0;

  /** `max` 0 is no cap. */
  constructor(private readonly max: number) {}

  get size(): number {
    return this.open;
  }

  take(): ReleaseSlot | 'full' {
    if (this.max > 0 && this.open >= this.max) return 'full';
    this.open++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.open--;
    };
  }
}
