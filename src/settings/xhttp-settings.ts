/**
 * The library's settings for Xray's XHTTP transport ("splithttp"): a dial or a listener that has them
 * speaks XHTTP instead of v2ray's `PUT` tunnel.
 *
 * Names follow the library's conventions: no Xray prefixes (`sc`, `x`, `c`, `h`), and a unit in every
 * name that carries one (milliseconds, where Xray counts seconds). The mapping from Xray's
 * `xhttpSettings` (infra/conf/transport_method.go at v26.7.28):
 *
 * | Xray `xhttpSettings`        | here                              | note                                       |
 * |-----------------------------|-----------------------------------|--------------------------------------------|
 * | `host`, `path`              | `DialSettings.host` / `.path`     | and `ListenOptions.host` / `.path`         |
 * | `headers`                   | `DialSettings.headers`            | request headers; Xray refuses `host`       |
 * | `mode`                      | `mode`                            |                                            |
 * | `xPaddingBytes`             | `paddingBytes`                    | Xray's `0` means "default"                 |
 * | `noGRPCHeader`              | `noGRPCHeader`                    |                                            |
 * | `noSSEHeader`               | `noSSEHeader`                     |                                            |
 * | `scMaxEachPostBytes`        | `maxEachPostBytes`                |                                            |
 * | `scMinPostsIntervalMs`      | `minPostsIntervalMs`              |                                            |
 * | `scMaxBufferedPosts`        | `maxBufferedPosts`                | a plain integer in Xray too                |
 * | `scStreamUpServerSecs`      | `streamUpPaddingIntervalMs`       | × 1000; Xray's `to ≤ 0` (e.g. "-1") is `0` |
 * | `xmux.maxConcurrency`       | `xmux.maxConcurrency`             |                                            |
 * | `xmux.maxConnections`       | `xmux.maxConnections`             |                                            |
 * | `xmux.cMaxReuseTimes`       | `xmux.maxReuseTimes`              | tunnels per connection                     |
 * | `xmux.hMaxRequestTimes`     | `xmux.maxRequestTimes`            | HTTP requests per connection               |
 * | `xmux.hMaxReusableSecs`     | `xmux.maxReusableMs`              | × 1000                                     |
 * | `xmux.hKeepAlivePeriod`     | `xmux.keepAlivePeriodMs`          | × 1000; Xray's 0 is unset, `< 0` is `0`    |
 * | TLS `alpn: ["http/1.1"]`    | `httpVersion: '1.1'`              | Xray's client picks HTTP/1.1 so            |
 *
 * An Xray range (`100` or `"100-1000"`) is a number or `{ from, to }` here; `from` may not exceed `to`
 * (Xray swaps them: do that while reading its JSON). The obfuscation options (`xPaddingObfsMode`,
 * placements, `sessionIDTable`, `uplinkHTTPMethod` GET, `uplinkDataPlacement` other than the body) and
 * `downloadSettings` are not part of these settings yet.
 *
 * @example
 * ```ts
 * dial('tunnel.test:443', { host: ['tunnel.test'], path: '/tun/', tls: {}, xhttp: { mode: 'stream-up' } });
 * listen({ listen: '127.0.0.1:0', h2c: true, path: '/tun/', xhttp: {} });
 * ```
 */
export interface XhttpSettings {
  /** How a tunnel is carried. Default `auto`: a client picks `packet-up` (Xray's choice without REALITY), a server accepts all. */
  readonly mode?: XhttpMode;
  /** Length of the padding each request (Referer `x_padding`) and response (`X-Padding`) carries. Default 100–1000. */
  readonly paddingBytes?: RangeInput;
  /** Client: no `Content-Type: application/grpc` on stream-up and stream-one requests. */
  readonly noGRPCHeader?: boolean;
  /** Server: no `Content-Type: text/event-stream` on download responses. */
  readonly noSSEHeader?: boolean;
  /** Client: the largest packet-up POST body, drawn once per tunnel. Server: `to` is the largest accepted (413 above). Default 1,000,000. */
  readonly maxEachPostBytes?: RangeInput;
  /** Client: the least time between the starts of two packet-up POSTs of a tunnel. Default 30. */
  readonly minPostsIntervalMs?: RangeInput;
  /** Server: packets a session may hold out of order before it is torn down. Default 30. */
  readonly maxBufferedPosts?: number;
  /** Server: how often a stream-up upload's response carries padding to keep proxies from timing it out; `0` never. Default 20,000–80,000. */
  readonly streamUpPaddingIntervalMs?: RangeInput;
  /**
   * Client: the HTTP version. Default `'2'` over TLS (and with `h2c`); without TLS Xray's client speaks
   * HTTP/1.1, and so does ours when neither `tls` nor `h2c` is set. `'1.1'` over TLS is Xray's
   * `alpn: ["http/1.1"]`: what passes a CDN or proxy that speaks HTTP/1.1 to its origin.
   */
  readonly httpVersion?: XhttpHttpVersion;
  /** Client connection reuse, as Xray's XMUX. */
  readonly xmux?: XmuxSettings;
}

/** A listener's XHTTP settings: {@link XhttpSettings} and, optionally, a path of its own. */
export interface XhttpServerSettings extends XhttpSettings {
  /** Where XHTTP is served, beside v2ray's `PUT` on `ListenOptions.path`. Default: `ListenOptions.path`, XHTTP only. */
  readonly path?: string;
  /** Milliseconds a session may wait for its download GET before it is dropped. Default 30,000 (Xray's). */
  readonly sessionTimeoutMs?: number;
  /** Sessions that may await their download at once; more are refused (503). Default 1,000. */
  readonly maxPendingSessions?: number;
  /** Bytes the packets of sessions awaiting their download may hold together; more are refused (503). Default 64 MiB. */
  readonly maxPendingBytes?: number;
}

/** The wire shapes of an XHTTP tunnel. */
export type XhttpMode = 'auto' | 'stream-one' | 'stream-up' | 'packet-up';

/** The modes a client actually dials (`auto` resolved). */
export type XhttpDialMode = Exclude<XhttpMode, 'auto'>;

/** HTTP versions an XHTTP client speaks; Xray's h3 (QUIC) is not available in Node. */
export type XhttpHttpVersion = '1.1' | '2';

/** An inclusive range of whole numbers; a value is drawn from it where Xray draws one. */
export interface Range {
  readonly from: number;
  readonly to: number;
}

/** A range, or one number meaning `{ from: n, to: n }`. */
export type RangeInput = number | Range;

/**
 * Xray's XMUX: how a client spreads tunnels over connections, enforced as Xray's client does
 * (splithttp/mux.go). A range is drawn at random: `maxConcurrency` and `maxConnections` once per pool
 * (a server and these settings), the others once per connection; 0 (given or drawn) is no limit. Unset
 * fields are no limit; with no `xmux` at all, or every field at Xray's zero value (absent, 0 or 0–0;
 * `keepAlivePeriodMs` absent), Xray's defaults apply: 3 connections, 600–900 requests and 1,800–3,000 s
 * each. A connection past a limit takes no new tunnel, keeps carrying its own, and closes after the
 * last. Over HTTP/1.1 only `maxRequestTimes` and `maxReusableMs` apply, to each keep-alive connection
 * that carries packets (a download or stream upload has a connection of its own there).
 *
 * @example
 * ```ts
 * dial('tunnel.test:443', { tls: {}, xhttp: { xmux: { maxConcurrency: { from: 16, to: 32 } } } });
 * dial('tunnel.test:443', { tls: {}, xmux: { maxConnections: 4 } }); // v2ray PUT tunnels over 4 sessions
 * ```
 */
export interface XmuxSettings {
  /** Tunnels running at most on one connection before another opens. Not together with `maxConnections`. */
  readonly maxConcurrency?: RangeInput;
  /** Connections to open before tunnels share them (a random pick). Not together with `maxConcurrency`. */
  readonly maxConnections?: RangeInput;
  /** Tunnels one connection carries in its life. */
  readonly maxReuseTimes?: RangeInput;
  /** HTTP requests one connection carries in its life: a v2ray tunnel is one; XHTTP's GET, stream POST and each packet POST count. */
  readonly maxRequestTimes?: RangeInput;
  /** Milliseconds after which a connection takes no new tunnels or requests. */
  readonly maxReusableMs?: RangeInput;
  /**
   * HTTP/2 PING after this much read silence (Xray's `hKeepAlivePeriod`, Go's `ReadIdleTimeout`); `0`
   * never. The same setting as `readIdleTimeoutMs`: give one. Default for XHTTP 45,000 (Xray's); a v2ray
   * dial keeps `readIdleTimeoutMs`'s default unless this is given.
   */
  readonly keepAlivePeriodMs?: number;
}

/** {@link XhttpSettings} validated, with Xray's defaults. */
export interface ResolvedXhttpSettings {
  readonly mode: XhttpMode;
  readonly paddingBytes: Range;
  readonly noGRPCHeader: boolean;
  readonly noSSEHeader: boolean;
  readonly maxEachPostBytes: Range;
  readonly minPostsIntervalMs: Range;
  readonly maxBufferedPosts: number;
  /** Undefined: a stream-up response carries no keep-alive padding. */
  readonly streamUpPaddingIntervalMs: Range | undefined;
  /** Undefined: the transport decides (HTTP/2 over TLS or h2c, HTTP/1.1 in cleartext). */
  readonly httpVersion: XhttpHttpVersion | undefined;
  readonly xmux: ResolvedXmux;
}

/** How many connections tunnels spread over: a cap per connection, a count of connections, or neither. */
export type XmuxSpread =
  | { readonly kind: 'unlimited' }
  | { readonly kind: 'max-concurrency'; readonly tunnels: Range }
  | { readonly kind: 'max-connections'; readonly connections: Range };

/**
 * The limits of {@link XmuxSettings} a session pool enforces; an undefined limit is no limit, and so is a
 * 0 drawn from a range (as in Xray).
 */
export interface ReuseLimits {
  readonly spread: XmuxSpread;
  readonly maxReuseTimes: Range | undefined;
  readonly maxRequestTimes: Range | undefined;
  readonly maxReusableMs: Range | undefined;
}

/** {@link XmuxSettings} validated; an undefined limit is no limit. */
export interface ResolvedXmux extends ReuseLimits {
  /** Undefined: no keep-alive PINGs. */
  readonly keepAlivePeriodMs: number | undefined;
}

/** Xray's defaults (transport/internet/splithttp/config.go, xpadding.go, infra/conf/transport_method.go). */
export const XHTTP_DEFAULTS = {
  paddingBytes: { from: 100, to: 1000 },
  maxEachPostBytes: { from: 1_000_000, to: 1_000_000 },
  minPostsIntervalMs: { from: 30, to: 30 },
  maxBufferedPosts: 30,
  streamUpPaddingIntervalMs: { from: 20_000, to: 80_000 },
  keepAlivePeriodMs: 45_000,
  xmux: {
    spread: { kind: 'max-connections', connections: { from: 3, to: 3 } },
    maxReuseTimes: undefined,
    maxRequestTimes: { from: 600, to: 900 },
    maxReusableMs: { from: 1_800_000, to: 3_000_000 },
    keepAlivePeriodMs: 45_000,
  },
} as const satisfies Omit<ResolvedXhttpSettings, 'mode' | 'noGRPCHeader' | 'noSSEHeader' | 'httpVersion' | 'streamUpPaddingIntervalMs' | 'xmux'> & {
  readonly streamUpPaddingIntervalMs: Range;
  readonly keepAlivePeriodMs: number;
  readonly xmux: ResolvedXmux;
};
