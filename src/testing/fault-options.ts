import type { CertificatePair } from '../tls/self-signed.js';
import { checkRange, COUNT, MILLISECONDS, PORT, SETTING_VALUE, type NumberRange } from '../settings/ranges.js';

/** The statuses an HTTP/2 response carries (Node throws ERR_HTTP2_STATUS_INVALID outside them). */
const HTTP_STATUS: NumberRange = { what: 'an HTTP status', min: 100, max: 599, integer: true };

/** What the fault server does with the body of a tunnel it accepted (status 200). */
export type TunnelBody =
  /** Writes every byte back (the default). */
  | 'echo'
  /** Reads and drops every byte; ends its side when the client ends. */
  | 'discard'
  /** Never reads: HTTP/2 flow control must stop the writer. */
  | 'stall';

/**
 * How a {@link startFaultServer} misbehaves. With no option it is a well-behaved TLS echo server that
 * accepts any Host and path. Options combine: `{ failFirst: 2, resetAfterBytes: 1024 }` answers the
 * first two tunnels 503 and resets every later one after 1 KiB.
 *
 * @example
 * ```ts
 * await startFaultServer({ status: 404 });                 // every tunnel answered 404
 * await startFaultServer({ responseDelayMs: 2_000 });      // headers come 2 s late
 * await startFaultServer({ resetAfterBytes: 65_536 });     // a bare RST_STREAM after 64 KiB upstream
 * await startFaultServer({ endThenResetAfterBytes: 65_536 }); // END_STREAM, then RST_STREAM
 * await startFaultServer({ goawayAfterStreams: 3 });       // GOAWAY once a session has 3 streams
 * await startFaultServer({ silentAfterStreams: 0 });       // TLS handshake, then nothing (no PING answers)
 * await startFaultServer({ dropAfterBytes: 100_000 });     // TCP reset after 100 kB either way
 * await startFaultServer({ alpn: 'http/1.1' });            // the wrong ALPN
 * await startFaultServer({ failFirst: 2 });                // 503, 503, then echo (retry examples)
 * await startFaultServer({ h2c: true, body: 'stall' });    // cleartext; never reads a tunnel
 * ```
 */
export interface FaultServerOptions {
  /** Cleartext HTTP/2 with prior knowledge instead of TLS. Default false. */
  readonly h2c?: boolean;
  /** The certificate to serve; default a throwaway one for `tunnel.test`, `localhost` and `127.0.0.1`. */
  readonly certificate?: CertificatePair;
  /** TCP port on 127.0.0.1; default 0 (a free one). */
  readonly port?: number;
  /** Status of every tunnel response. Default 200 (then `body` decides what happens). */
  readonly status?: number;
  /** Milliseconds to wait before sending the response headers. Default 0. */
  readonly responseDelayMs?: number;
  /** What a 200 tunnel does with its bytes. Default `'echo'`. */
  readonly body?: TunnelBody;
  /** Reset a tunnel with a bare RST_STREAM once this many request-body bytes arrived, as a real peer does. */
  readonly resetAfterBytes?: number;
  /**
   * End the response (END_STREAM) and then reset the stream once this many request-body bytes arrived:
   * what Node's `stream.close(code)` sends. A client that takes END_STREAM for a complete response sees a
   * short, clean one; an honest client still reports the upload it lost.
   */
  readonly endThenResetAfterBytes?: number;
  /** The RST_STREAM code of `resetAfterBytes` and `endThenResetAfterBytes`. Default 2 (INTERNAL_ERROR). */
  readonly resetCode?: number;
  /** Send GOAWAY (NO_ERROR) on a session once it has accepted this many streams; they still finish. */
  readonly goawayAfterStreams?: number;
  /**
   * Go silent on a session once it has answered this many streams (the next one gets nothing): the
   * TCP connection stays open but nothing is read or written any more, so PINGs go unanswered.
   * 0 means right after the TLS handshake (or at once for h2c).
   */
  readonly silentAfterStreams?: number;
  /** Reset the TCP connection once this many bytes (both directions together) went through it. */
  readonly dropAfterBytes?: number;
  /** Offer this ALPN protocol instead of h2 (e.g. `'http/1.1'`); such a server never speaks HTTP/2. */
  readonly alpn?: string;
  /** Answer the first `failFirst` tunnels (counted over the server's life) with `failStatus`. */
  readonly failFirst?: number;
  /** Status for the `failFirst` tunnels. Default 503. */
  readonly failStatus?: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS to advertise. Default 250, as Go servers. */
  readonly maxConcurrentStreams?: number;
}

// What Node takes for each number: a status the wire carries, a timer, an HTTP/2 setting or error code.
const NUMBERS: readonly (readonly [keyof FaultServerOptions, NumberRange])[] = [
  ['port', PORT],
  ['status', HTTP_STATUS],
  ['failStatus', HTTP_STATUS],
  ['responseDelayMs', MILLISECONDS],
  ['resetAfterBytes', COUNT],
  ['resetCode', SETTING_VALUE],
  ['goawayAfterStreams', COUNT],
  ['silentAfterStreams', COUNT],
  ['dropAfterBytes', COUNT],
  ['failFirst', COUNT],
  ['maxConcurrentStreams', SETTING_VALUE],
];

/**
 * Throws an {@link InvalidConfig} naming the first numeric option Node would not take (a delay past 2^31-1 ms
 * fires at once; a setting past 2^32-1 throws at the first session, inside the test's process).
 */
export function checkFaultOptions(options: FaultServerOptions): void {
  for (const [key, range] of NUMBERS) if (options[key] !== undefined) checkRange(key, options[key], range);
}
