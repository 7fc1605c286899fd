import type { ClientHttp2Session } from 'node:http2';
import type { TransportError } from '../../errors/transport-error.js';

/** A stream slot on a connected session; `release` is called exactly once, when the tunnel ends. */
export interface SessionLease {
  readonly session: ClientHttp2Session;
  readonly sessionId: number;
  /** Gives the slot back. */
  release(): void;
  /** Stops new tunnels on this session (non-200 answer, broken stream); open ones finish. */
  evict(reason: TransportError): void;
}
