import type { SecureVersion } from 'node:tls';
import type { ListenAddress } from '../settings/address.js';
import type { HttpSettings } from '../settings/settings.js';
import type { HostMatch } from '../protocol/route.js';
import type { XhttpServerSettings } from '../settings/xhttp-settings.js';

/** A server's certificate and key, PEM, and how it treats its clients' TLS. */
export interface ServerTlsSettings {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /**
   * CA certificates (PEM) that issue client certificates: set, only a client presenting one gets past the
   * handshake (mutual TLS, v2fly's `verifyClientCertificate`).
   */
  readonly clientCa?: string | Buffer | readonly (string | Buffer)[];
  /** Lowest TLS version accepted. Default `TLSv1.2`. */
  readonly minVersion?: SecureVersion;
  /** Highest TLS version accepted. Default Node's (`TLSv1.3`). */
  readonly maxVersion?: SecureVersion;
  /** OpenSSL cipher list (Node's `ciphers`). */
  readonly ciphers?: string;
  /** Refuse a handshake whose SNI the certificate does not carry, or that has none (Xray's `rejectUnknownSni`). */
  readonly rejectUnknownSni?: boolean;
}

/** Options of {@link listen}. */
export interface ListenOptions extends Omit<HttpSettings, 'method'> {
  /** `host:port` (port 0 picks a free one), `unix:/path`, or the parsed form. */
  readonly listen: string | ListenAddress;
  /** TLS with ALPN h2. Exactly one of `tls` and `h2c`. */
  readonly tls?: ServerTlsSettings;
  /** Cleartext HTTP/2 with prior knowledge (v2ray without `security: tls`, or behind a TLS proxy). */
  readonly h2c?: boolean;
  /**
   * How the Host is matched against `host`: `exact` (default, v2ray 4.x) or `xray` (case-insensitive, a
   * port ignored), for deployments moving over from Xray.
   */
  readonly hostMatch?: HostMatch;
  /** SETTINGS_MAX_CONCURRENT_STREAMS we advertise. Default 250, as Go servers. */
  readonly maxConcurrentStreams?: number;
  /** Milliseconds allowed for the TLS handshake. Default 10,000. */
  readonly handshakeTimeoutMs?: number;
  /** Milliseconds a session (after TLS) may take to send its first request headers. Default 4,000 (v2ray's h2c limit). */
  readonly headerTimeoutMs?: number;
  /** Close (GOAWAY) a session after this many ms with no frames at all. Default 300,000; 0 never. */
  readonly idleSessionTimeoutMs?: number;
  /** Largest request header block accepted, in bytes. Default 16,384. */
  readonly maxHeaderListSize?: number;
  /**
   * At most this many sessions from one remote address; 0 for no cap. Default 100: a client needs one per
   * 250 streams, and a TLS-terminating proxy in front pools its connections.
   */
  readonly maxSessionsPerAddress?: number;
  /**
   * At most this many sessions over all addresses; the next one is closed at once. 0 (default) for no cap.
   * With {@link maxTunnels}, it keeps the descriptors a server holds below the process's limit (`ulimit -n`),
   * so new clients are refused before the tunnels already open start failing.
   */
  readonly maxSessions?: number;
  /**
   * At most this many tunnels open at once over all sessions; the next request is answered 503 (before the
   * 200, so nothing reaches the application). 0 (default) for no cap.
   */
  readonly maxTunnels?: number;
  /**
   * Streams the client may reset at once before its session is closed with GOAWAY(ENHANCE_YOUR_CALM),
   * refilled at {@link maxResetsPerSecond}. Default 200 (rapid reset, CVE-2023-44487). A stream reset after it
   * lived half a second is not counted: XHTTP clients end every tunnel that way.
   */
  readonly maxResetBurst?: number;
  /**
   * Whose `X-Forwarded-For` names a tunnel's remote address (in `Connection.info` and server events):
   * `true` any peer's, a list only these proxies' (IP addresses), `false` nobody's: the socket address.
   * Default `false`, as v2fly since 5.49: a direct client could otherwise write any address into the logs.
   */
  readonly trustForwardedFor?: boolean | readonly string[];
  /** Stream resets per second a session may sustain after the burst. Default 50. */
  readonly maxResetsPerSecond?: number;
  /**
   * While other tunnels share its session, hold a bulk tunnel's download to 1.5 round trips of what the
   * link delivers (after its first 64 KiB), so their bytes do not wait behind its whole window. A tunnel
   * alone on its session is never held. Default false.
   */
  readonly bulkCap?: boolean;
  /**
   * Serve Xray's XHTTP. With `xhttp.path` it is served there and v2ray's `PUT` stays on `path`, both on
   * one port; without it, `path` serves XHTTP only. An XHTTP server also answers HTTP/1.1 (ALPN
   * `http/1.1` over TLS; beside h2c in cleartext), as Xray's does.
   */
  readonly xhttp?: XhttpServerSettings;
}
