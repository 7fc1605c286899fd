import type { TransportError } from '../../errors/transport-error.js';

/** What happens to the sessions a manager owns. */
export type SessionEvent =
  | {
      readonly type: 'opened';
      readonly id: number;
      readonly key: string;
      /** The TLS handshake resumed an earlier session from its ticket, without a certificate exchange. */
      readonly resumed: boolean;
    }
  /**
   * Out of the cache, so no new tunnel uses it: it failed, got GOAWAY, was idle, or spent its reuse limits
   * (`reuse limit reached: …`; it then closes once its tunnels end).
   */
  | { readonly type: 'evicted'; readonly id: number; readonly key: string; readonly reason: TransportError }
  | { readonly type: 'closed'; readonly id: number; readonly key: string };

/** Counts at one moment. */
export interface SessionManagerStats {
  readonly sessions: number;
  readonly tunnels: number;
  /** Health-check PINGs sent so far (after a read-idle period), and those that got no answer in time. */
  readonly healthPings: number;
  readonly healthPingsFailed: number;
}
