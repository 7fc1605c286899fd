import type { ConnectionResult } from '../../connection/connection.js';
import type { TransportError } from '../../errors/transport-error.js';

/**
 * What became of one {@link dial} through a session manager, for metrics: opened (after `seconds`, at
 * the 200 or, with 0-RTT, at the hand-off), failed to open, or ended with its connection's result.
 */
export type TunnelEvent =
  | { readonly type: 'opened'; readonly seconds: number }
  | { readonly type: 'open-failed'; readonly error: TransportError }
  | { readonly type: 'ended'; readonly result: ConnectionResult };
