import type { SecureVersion } from 'node:tls';
import type { CertificatePins } from '../tls/certificate-pins.js';
import type { XrayVerification } from '../tls/xray-verification.js';
import type { HostList } from './hosts.js';
import type { ReuseLimits, XhttpSettings, XmuxSettings } from './xhttp-settings.js';

/** HTTP-level tunnel settings, as v2ray's `httpSettings` (with v2fly v5 / Xray additions). */
export interface HttpSettings {
  /** Host names; each tunnel's `:authority` is a random pick. Default `['www.example.com']`. */
  readonly host?: readonly string[];
  /** Request path; normalized (`''` → `/`). Default `/`. */
  readonly path?: string;
  /** Request method. Default `PUT`, as v2ray 4.34. */
  readonly method?: string;
  /** Extra request headers (client) or response headers (server). */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Milliseconds without a frame from the peer before a PING is sent; 0 disables health checks. At most an hour. */
  readonly readIdleTimeoutMs?: number;
  /** Milliseconds to wait for the PING answer before the session is dropped. At most an hour. */
  readonly healthCheckTimeoutMs?: number;
}

/** Client TLS settings. Verification is on unless `allowInsecure`. */
export interface TlsClientSettings {
  /** SNI and the name the certificate must carry. Default: the destination host. */
  readonly serverName?: string;
  /** Skip certificate and host-name verification (loudly discouraged). */
  readonly allowInsecure?: boolean;
  /** Trusted CA certificates (PEM). Default: Node's bundled roots. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Never resume a TLS session from a ticket (v2ray's `disableSessionResumption`). Default false. */
  readonly disableSessionResumption?: boolean;
  /**
   * Base64 chained SHA-256 digests of the server's certificate chain (v2fly's
   * `pinnedPeerCertificateChainSha256`); one must match. Checked even with `allowInsecure`.
   */
  readonly pinnedPeerCertificateChainSha256?: readonly string[];
  /** Base64 SHA-256 digests of a certificate's public key (Xray's `pinnedPeerCertificatePublicKeySha256`); one must match. */
  readonly pinnedPeerCertificatePublicKeySha256?: readonly string[];
  /**
   * Hex SHA-256 digests of a certificate's DER (Xray's `pinnedPeerCertSha256`; OpenSSL's
   * `-fingerprint -sha256` form with colons is fine); one must match, in place of the usual checks. The
   * leaf's digest identifies the server by itself: no CA, name or date is checked. A CA certificate's
   * digest (a CA of the chain the server sends) makes it the only CA trusted, names still checked. Not
   * with `allowInsecure`.
   */
  readonly pinnedPeerCertSha256?: readonly string[];
  /**
   * Names the server's certificate must be valid for, one of them, checked in place of `serverName`,
   * which still goes out as SNI (Xray's `verifyPeerCertByName`: a front's name on the wire, the real
   * one checked). The chain must still be trusted (`ca`, or a CA pinned by `pinnedPeerCertSha256`).
   * Not with `allowInsecure`.
   */
  readonly verifyPeerCertByName?: readonly string[];
  /** A certificate and key (PEM) to present to a server that verifies its clients (mutual TLS). */
  readonly clientCertificate?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Lowest TLS version to accept. Default `TLSv1.2`. */
  readonly minVersion?: SecureVersion;
  /** Highest TLS version to offer. Default Node's (`TLSv1.3`). */
  readonly maxVersion?: SecureVersion;
  /** OpenSSL cipher list (Node's `ciphers`); TLS 1.3 suites stay at Node's default unless listed. */
  readonly ciphers?: string;
}

/** Settings of one dial: HTTP settings plus exactly one of TLS or explicit cleartext. */
export interface DialSettings extends HttpSettings {
  /** TLS settings; required unless `h2c` is set (v2ray refuses to dial without TLS). */
  readonly tls?: TlsClientSettings;
  /** Cleartext HTTP/2 with prior knowledge: for tests and servers behind a TLS-terminating proxy. */
  readonly h2c?: boolean;
  /** Hand out the connection before the 200 arrives (Xray's "real 0-RTT"); a non-200 fails it afterwards. */
  readonly zeroRtt?: boolean;
  /**
   * While other tunnels share its session, hold a bulk tunnel's upload to 1.5 round trips of what the
   * link delivers (after its first 64 KiB), so their bytes do not wait behind its whole window. A tunnel
   * alone on its session is never held. Set by the session's first dial. Default false.
   */
  readonly bulkCap?: boolean;
  /** Milliseconds allowed for TCP connect + TLS handshake. Default 10,000. */
  readonly connectTimeoutMs?: number;
  /** Milliseconds allowed for the response headers of a tunnel request, with `zeroRtt` too. Default 10,000. */
  readonly responseTimeoutMs?: number;
  /**
   * Speak Xray's XHTTP instead of v2ray's `PUT` tunnel (the default). `host`, `path` and `headers` above
   * apply to it; `method` is its upload method (default `POST`). Without `tls` and `h2c` an XHTTP dial
   * speaks cleartext HTTP/1.1, as Xray's client does.
   */
  readonly xhttp?: XhttpSettings;
  /**
   * Connection reuse limits for v2ray `PUT` tunnels, Xray's XMUX ({@link XmuxSettings}): sessions to open
   * before tunnels share them, or tunnels one session runs at once; tunnels and requests one session
   * carries in its life; how long it takes new ones; its keep-alive PING period (the same setting as
   * `readIdleTimeoutMs`: give one). A session past a limit takes no new tunnel, keeps its open ones and
   * closes once they end. Default: no limits, the pool as ever (one session per server, another at the
   * server's stream limit); `{}` is Xray's defaults. An XHTTP dial takes these from `xhttp.xmux` instead,
   * with Xray's defaults when it is absent.
   */
  readonly xmux?: XmuxSettings;
}

/** Health-check timing of a session, in milliseconds; `readIdleMs` 0 disables it. */
export interface HealthCheck {
  readonly readIdleMs: number;
  readonly timeoutMs: number;
}

/** The TLS identity that, with the destination, keys the session cache. */
export type TransportSecurity =
  | {
      readonly kind: 'tls';
      readonly serverName: string | undefined;
      readonly allowInsecure: boolean;
      readonly ca: readonly (string | Buffer)[] | undefined;
      /** Offer and keep session tickets; not part of the identity, two configs may differ here and share a session. */
      readonly resume: boolean;
      /** Digests the server's chain must match; undefined when nothing is pinned. */
      readonly pins: CertificatePins | undefined;
      /** Xray's pins and names, in place of Node's chain and name checks; undefined when not asked for. */
      readonly xrayVerification: XrayVerification | undefined;
      readonly clientCertificate: TlsClientSettings['clientCertificate'];
      readonly minVersion: SecureVersion | undefined;
      readonly maxVersion: SecureVersion | undefined;
      readonly ciphers: string | undefined;
    }
  | { readonly kind: 'h2c' };

/** {@link DialSettings} validated and filled with defaults. */
export interface ResolvedDialSettings {
  readonly hosts: HostList;
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly security: TransportSecurity;
  readonly healthCheck: HealthCheck;
  /** How sessions are reused, by the pool's reuse policy; undefined: no limits. */
  readonly reuse: ReuseLimits | undefined;
  readonly zeroRtt: boolean;
  readonly bulkCap: boolean;
  readonly connectTimeoutMs: number;
  readonly responseTimeoutMs: number;
}

/** Client defaults: a dead peer is noticed within readIdle + timeout (30 s) even on an idle session. */
export const DEFAULT_READ_IDLE_TIMEOUT_MS = 15_000;
export const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 15_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_RESPONSE_TIMEOUT_MS = 10_000;
export const DEFAULT_METHOD = 'PUT';
