import { alpnMismatch, connectFailed, protocolError, sessionClosed, streamReset, tlsVerifyFailed, type TransportError } from './transport-error.js';
import { isTransportError } from './error-guards.js';

// Node's names for certificate and host-name failures (OpenSSL verify codes plus Node's own).
const TLS_VERIFY_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
]);

// Alerts a server that verifies its clients sends when our certificate is missing or not one it trusts.
const CLIENT_CERTIFICATE_ALERTS = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
]);

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'EADDRNOTAVAIL']);

const SESSION_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_PING_CANCEL',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** The Node error's `code`, if any. */
export const nodeCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Maps an error from Node's `net`/`tls`/`http2` to a {@link TransportError}; `address` names the
 * destination for connect failures. Transport errors pass through unchanged.
 */
export function fromNodeError(error: unknown, address: string): TransportError {
  if (isTransportError(error)) return error;
  const code = nodeCode(error);
  if (code !== undefined && TLS_VERIFY_CODES.has(code)) return tlsVerifyFailed(describeTls(code, error), error);
  if (code !== undefined && CONNECT_CODES.has(code)) return connectFailed(address, error);
  if (code !== undefined && SESSION_CODES.has(code)) return sessionClosed(code === 'ERR_HTTP2_GOAWAY_SESSION' ? 'GOAWAY received' : 'connection lost', error);
  if (code === 'ERR_HTTP2_STREAM_ERROR') return streamReset(rstCodeOf(error), 'stream error', error);
  // A server that speaks only HTTP/1.1 refuses our ALPN offer of h2 with alert 120: a wrong ALPN, not a bad certificate.
  if (code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL') return alpnMismatch(false);
  if (code !== undefined && CLIENT_CERTIFICATE_ALERTS.has(code))
    return tlsVerifyFailed('the server refused our client certificate (or that we sent none)', error);
  if (code?.startsWith('ERR_SSL') === true || code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return tlsVerifyFailed('handshake failed', error);
  return protocolError('transport failure', error);
}

function describeTls(code: string, error: unknown): string {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return (error as Error).message;
  return code.toLowerCase().replace(/_/g, ' ');
}

// Node's stream error message ends with the nghttp2 code name, e.g. "Stream closed with error code NGHTTP2_CANCEL".
const RST_CODES: Record<string, number> = {
  NGHTTP2_NO_ERROR: 0,
  NGHTTP2_PROTOCOL_ERROR: 1,
  NGHTTP2_INTERNAL_ERROR: 2,
  NGHTTP2_FLOW_CONTROL_ERROR: 3,
  NGHTTP2_SETTINGS_TIMEOUT: 4,
  NGHTTP2_STREAM_CLOSED: 5,
  NGHTTP2_FRAME_SIZE_ERROR: 6,
  NGHTTP2_REFUSED_STREAM: 7,
  NGHTTP2_CANCEL: 8,
  NGHTTP2_COMPRESSION_ERROR: 9,
  NGHTTP2_CONNECT_ERROR: 10,
  NGHTTP2_ENHANCE_YOUR_CALM: 11,
  NGHTTP2_INADEQUATE_SECURITY: 12,
  NGHTTP2_HTTP_1_1_REQUIRED: 13,
};

function rstCodeOf(error: unknown): number {
  const name = /NGHTTP2_[A-Z_0-9]+/.exec((error as Error).message)?.[0];
  return name === undefined ? 2 : (RST_CODES[name] ?? 2);
}
