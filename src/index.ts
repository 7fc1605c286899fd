/// <reference types="node" preserve="true" />
// The declarations use Node's types (Buffer, node:http2): this brings them to a consumer without @types/node of its own.
// The public API. Internals (session pool entries, hub handler, Node error mapping) stay out on purpose.

// errors
export type {
  AlpnMismatch,
  ConnectFailed,
  InvalidConfig,
  ListenFailed,
  Overflow,
  ProtocolError,
  SessionClosed,
  Severity,
  SocketFailed,
  StreamReset,
  Timeout,
  TlsRequired,
  TlsVerifyFailed,
  TransportError,
  TransportErrorTag,
  UnexpectedStatus,
  UsageError,
} from './errors/transport-error.js';
export {
  isAlpnMismatch,
  isConnectFailed,
  isInvalidConfig,
  isListenFailed,
  isOverflow,
  isProtocolError,
  isSessionClosed,
  isSocketFailed,
  isStreamReset,
  isTag,
  isTimeout,
  isTlsRequired,
  isTlsVerifyFailed,
  isTransportError,
  isUnexpectedStatus,
  isUsageError,
} from './errors/error-guards.js';
export { isTransient } from './errors/is-transient.js';

// config
export { formatHostPort, parseHostPort, parseListenAddress, type HostPort, type ListenAddress } from './settings/address.js';
export { type Destination } from './settings/destination.js';
export { DEFAULT_HOSTS, pickHost, type HostList } from './settings/hosts.js';
export { normalizePath } from './settings/path.js';
export { resolveDialSettings } from './settings/resolve-dial-settings.js';
export type { DialSettings, HealthCheck, HttpSettings, ResolvedDialSettings, TlsClientSettings, TransportSecurity } from './settings/settings.js';
export { resolveXhttpSettings } from './settings/resolve-xhttp-settings.js';
export {
  XHTTP_DEFAULTS,
  type Range,
  type RangeInput,
  type ResolvedXhttpSettings,
  type ResolvedXmux,
  type ReuseLimits,
  type XhttpDialMode,
  type XhttpHttpVersion,
  type XhttpMode,
  type XhttpServerSettings,
  type XhttpSettings,
  type XmuxSettings,
  type XmuxSpread,
} from './settings/xhttp-settings.js';
export { parseStreamSettings, type CertificateEntry, type StreamSettings, type StreamTlsSettings } from './v2ray-config/stream-settings.js';

// protocol rules
export { remoteAddress } from './protocol/remote-address.js';
export { tunnelRequestHeaders } from './protocol/v2ray-http/request-headers.js';
export { hostAccepted, routeRequest, type HostMatch, type RouteDecision, type RouteRules } from './protocol/route.js';
export { checkStatus } from './protocol/v2ray-http/status.js';
export { normalizeXhttpPath, type XhttpPath } from './protocol/xhttp/xhttp-path.js';
export {
  classifyXhttpRequest,
  type XhttpDecision,
  type XhttpRefusal,
  type XhttpRequestFacts,
  type XhttpServerRules,
} from './protocol/xhttp/classify-request.js';

// client
export { dial, dialEither, defaultSessionManager, type DialOptions } from './client/dial.js';
export { detach } from './client/detach.js';
export { toEither } from './client/to-either.js';
export { openTunnel } from './client/open-tunnel.js';
export { SessionManager, type SessionEvent, type SessionLease, type SessionManagerOptions, type SessionManagerStats } from './client/pool/session-manager.js';
export type { TunnelHold } from './client/pool/tunnel-hold.js';

// connection
export { Connection, MAX_PUSHED_BYTES, type ConnectionInfo, type ConnectionResult } from './connection/connection.js';
export type { SendSource } from './connection/send-source.js';
export type { TunnelStream } from './connection/tunnel-stream.js';

// server
export { listen, type TunnelServer } from './server/listen.js';
export type { ServerEvent, XhttpRejection } from './server/server-events.js';
export type { ListenOptions, ServerTlsSettings } from './server/server-options.js';

// tls
export { selfSignedCertificate, type CertificatePair } from './tls/self-signed.js';
