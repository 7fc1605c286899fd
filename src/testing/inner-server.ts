import * as http2 from 'node:http2';
import * as tls from 'node:tls';
import type { CertificatePair } from '../tls/self-signed.js';
import type { FaultServerOptions } from './fault-options.js';

/** The server behind the relays: HTTP/2 over TLS or h2c, or a TLS server offering only a wrong ALPN. */
export type InnerServer = http2.Http2SecureServer | http2.Http2Server | tls.Server;

/**
 * Creates the inner server; `onSession` sees each HTTP/2 session, `onStream` each tunnel request.
 *
 * @example
 * ```ts
 * const inner = createInnerServer({ h2c: true }, undefined, trackSession, answerStream);
 * ```
 */
export function createInnerServer(
  options: FaultServerOptions,
  certificate: CertificatePair | undefined,
  onSession: (session: http2.ServerHttp2Session) => void,
  onStream: (stream: http2.ServerHttp2Stream) => void,
): InnerServer {
  if (options.alpn !== undefined && options.alpn !== 'h2') return wrongAlpnServer(options.alpn, certificate);
  const settings: http2.Settings = { maxConcurrentStreams: options.maxConcurrentStreams ?? 250, enablePush: false };
  const server =
    options.h2c === true
      ? http2.createServer({ settings })
      : http2.createSecureServer({ settings, cert: certificate?.cert, key: certificate?.key, ALPNProtocols: ['h2'], allowHTTP1: false });
  server.on('session', onSession);
  server.on('stream', onStream);
  server.on('sessionError', () => undefined);
  return server;
}

// A TLS server that negotiates only `alpn` and answers any request as an HTTP/1.1 server would.
function wrongAlpnServer(alpn: string, certificate: CertificatePair | undefined): tls.Server {
  const server = tls.createServer({ cert: certificate?.cert, key: certificate?.key, ALPNProtocols: [alpn] });
  server.on('secureConnection', (socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'));
  });
  server.on('tlsClientError', () => undefined);
  return server;
}
