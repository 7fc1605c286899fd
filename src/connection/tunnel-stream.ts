import type { Http2Session } from 'node:http2';
import type { Duplex } from 'node:stream';

/**
 * What a {@link Connection} needs of the stream that carries one tunnel. An HTTP/2 stream is one as it
 * is (v2ray's PUT, XHTTP's stream-one); a wire shape that splits a tunnel over several requests (XHTTP's
 * stream-up and packet-up) presents itself as one such duplex.
 *
 * The readable side ends only for the peer's clean end; a tunnel cut off is destroyed with the reason,
 * so `pipe()` never relays a clean FIN for it.
 *
 * @example
 * ```ts
 * const connection = new Connection(stream satisfies TunnelStream, info, address);
 * ```
 */
export type TunnelStream = Duplex & {
  /** True once nothing more goes either way. */
  readonly closed: boolean;
  /** The RST_STREAM code once the stream was reset, for an HTTP/2 stream; undefined before, or without one. */
  readonly rstCode?: number | undefined;
  /** The HTTP/2 session under the stream, to tell a lost connection from a reset the peer chose. */
  readonly session?: Http2Session | undefined;
};
