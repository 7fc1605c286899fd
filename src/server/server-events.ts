import type { TransportError } from '../errors/transport-error.js';

/** What a server reports besides accepted tunnels. */
export type ServerEvent =
  | {
      readonly type: 'rejected';
      readonly status: 404 | 431 | 503 | XhttpRejection['status'];
      readonly reason: 'host' | 'path' | 'header-size' | 'no-handler' | 'server-full' | XhttpRejection['reason'];
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
  /** Tunnels open now, of both wire shapes (an XHTTP download with its uploads is one), over HTTP/2 and HTTP/1.1. */
  readonly tunnels: number;
  /** Health-check PINGs sent to idle clients so far, and those that got no answer in time. */
  readonly healthPings: number;
  readonly healthPingsFailed: number;
  /** XHTTP sessions, when the server speaks XHTTP. */
  readonly xhttp?: {
    readonly sessions: number;
    /** Sessions whose download has not come yet. */
    readonly awaitingDownload: number;
    /** Bytes their packets hold. */
    readonly pendingBytes: number;
  };
}

/**
 * Why the XHTTP server refused a request: a wrong host or path (404), padding, mode, session id or seq
 * (400), a packet too far ahead (400, the session torn down), a second download or another kind of upload
 * for a session (409), a session that ended (410), a packet too large (413), too many sessions or bytes
 * awaiting their download, or nobody to take tunnels (503).
 */
export interface XhttpRejection {
  readonly status: 400 | 404 | 409 | 410 | 413 | 503;
  readonly reason:
    | 'host'
    | 'path'
    | 'padding'
    | 'mode'
    | 'session-id'
    | 'seq'
    | 'too-far'
    | 'conflict'
    | 'session-closed'
    | 'packet-size'
    | 'busy'
    | 'no-handler'
    | 'server-full';
}
