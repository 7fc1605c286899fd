import type { TransportError } from '../errors/transport-error.js';

/** What a server reports besides accepted tunnels. */
export type ServerEvent =
  | {
      readonly type: 'rejected';
      readonly status: 404 | 431 | 503;
      readonly reason: 'host' | 'path' | 'header-size' | 'no-handler' | 'server-full';
      readonly authority: string | undefined;
      readonly path: string | undefined;
      readonly remoteAddress: string | undefined;
    }
  | {
      readonly type: 'session-opened';
      readonly session: number;
      readonly remoteAddress: string | undefined;
      /** TLS only: the handshake resumed an earlier session from its ticket. */
      readonly tlsResumed: boolean | undefined;
    }
  | { readonly type: 'session-closed'; readonly session: number; readonly remoteAddress: string | undefined }
  | { readonly type: 'error'; readonly error: TransportError };

/** A server's counts at one moment. */
export interface TunnelServerStats {
  readonly sessions: number;
  readonly tunnels: number;
  /** Health-check PINGs sent to idle clients so far, and those that got no answer in time. */
  readonly healthPings: number;
  readonly healthPingsFailed: number;
}
