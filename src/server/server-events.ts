import type { TransportError } from '../errors.js';

/** What a server reports besides accepted tunnels. */
export type ServerEvent =
  | {
      readonly type: 'rejected';
      readonly status: 404 | 431 | 503;
      readonly reason: 'host' | 'path' | 'header-size' | 'no-handler';
      readonly authority: string | undefined;
      readonly path: string | undefined;
      readonly remoteAddress: string | undefined;
    }
  | { readonly type: 'session-opened'; readonly session: number; readonly remoteAddress: string | undefined }
  | { readonly type: 'session-closed'; readonly session: number; readonly remoteAddress: string | undefined }
  | { readonly type: 'error'; readonly error: TransportError };
