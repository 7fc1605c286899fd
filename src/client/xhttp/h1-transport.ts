import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import type * as tls from 'node:tls';
import { sessionClosed, tlsVerifyFailed } from '../../errors/transport-error.js';
import type { HostPort } from '../../settings/address.js';
import { formatHostPort } from '../../settings/address.js';
import type { ResolvedDialSettings, TransportSecurity } from '../../settings/settings.js';
import { checkPeer, needsPeerCheck } from '../../tls/check-peer.js';
import { reuseKey } from '../pool/reuse-policy.js';
import { sessionKey } from '../pool/session-key.js';
import type { SessionManager } from '../pool/session-manager.js';
import type { ClientExchange, ClientResponse, XhttpTransport } from './client-exchange.js';
import { firstAnswer } from './first-answer.js';
import { http1AgentsOf } from './http1-agents.js';
import { clientTlsOptions } from '../../tls/client-tls-options.js';

type Tls = Extract<TransportSecurity, { kind: 'tls' }>;

// Sockets past their connect (and TLS handshake): a request reusing one has nothing left to time out.
const connected = new WeakSet<object>();

/**
 * XHTTP over HTTP/1.1, on Node's HTTP client: each download and stream upload on a connection of its own
 * (it asked for `Connection: close`, as Xray's client does), packets on keep-alive connections shared by
 * the manager's tunnels, each reused within the XMUX request and age limits (see `limitSocketReuse`). Over TLS it offers ALPN `http/1.1` only, and checks names and pins as a session
 * opening does.
 *
 * @example
 * ```ts
 * const exchange = await h1Transport(manager, target, plan.dial, true).open(head, { kind: 'stream' }, signal);
 * ```
 */
export function h1Transport(manager: SessionManager, target: HostPort, settings: ResolvedDialSettings, secure: boolean): XhttpTransport {
  const address = formatHostPort(target);
  const security = secure && settings.security.kind === 'tls' ? settings.security : undefined;
  const keepAlive = http1AgentsOf(manager).agentFor(
    `h1|${sessionKey(target, settings.security)}${reuseKey(settings.reuse)}`,
    security !== undefined,
    settings.reuse,
  );
  return {
    // A tunnel holds no connection of its own over HTTP/1.1 that its end would give back.
    release: () => undefined,
    open: (head, body, signal) => {
      if (signal.aborted) return Promise.reject(sessionClosed('the dial was cancelled'));
      const headers: http.OutgoingHttpHeaders = Object.assign({ host: head.authority }, head.headers as http.OutgoingHttpHeaders);
      if (body.kind === 'packet') headers['content-length'] = body.payload.length;
      const options: https.RequestOptions & tls.ConnectionOptions = {
        host: target.host,
        port: target.port,
        method: head.method,
        path: head.path,
        headers,
        agent: body.kind === 'packet' ? keepAlive : false,
        timeout: settings.connectTimeoutMs,
        ...(security === undefined ? {} : tlsOptions(security, target)),
      };
      const request = security === undefined ? http.request(options) : https.request(options);
      request.on('error', () => undefined);
      // Tunnel bytes go out as they are written, not held back for an ACK (Nagle).
      request.setNoDelay(true);
      if (security !== undefined && needsPeerCheck(security)) checkPeerOnConnect(request, security, target);
      let markSent: () => void = () => undefined;
      const sent = firstAnswer<void>(
        request,
        (resolve) => (markSent = resolve),
        () => sessionClosed('the connection closed before the request went out'),
        address,
      );
      sent.catch(() => undefined);
      // The timeout guards the connect only: a download or stream upload may rest as long as its tunnel.
      request.once('socket', (socket) => {
        // A kept-alive socket is connected already.
        if (connected.has(socket)) {
          request.setTimeout(0);
          return markSent();
        }
        socket.once(security === undefined ? 'connect' : 'secureConnect', () => {
          connected.add(socket);
          request.setTimeout(0);
          // A pin mismatch, checked by a listener before this one, has destroyed the request already.
          if (!request.destroyed) markSent();
        });
      });
      request.once('timeout', () => request.destroy(sessionClosed(`connecting to ${address} timed out`)));
      const response = firstAnswer<ClientResponse>(
        request,
        (resolve) => request.once('response', (answer: http.IncomingMessage) => resolve({ status: answer.statusCode ?? 0, body: answer })),
        () => sessionClosed('the connection closed before the response'),
        address,
      );
      response.catch(() => undefined);
      if (body.kind === 'packet') request.end(body.payload);
      else if (body.kind === 'none') request.end();
      // The headers go now: the server answers a download or stream upload before any body byte.
      else request.flushHeaders();
      const cancel = () => request.destroy();
      signal.addEventListener('abort', cancel, { once: true });
      request.once('close', () => signal.removeEventListener('abort', cancel));
      const exchange: ClientExchange = {
        upload: request,
        sent,
        response,
        session: undefined,
        sessionId: undefined,
        stream: undefined,
        cancel,
        evictConnection: () => undefined,
      };
      return Promise.resolve(exchange);
    },
  };
}

function tlsOptions(security: Tls, target: HostPort): https.RequestOptions & tls.ConnectionOptions {
  const name = security.serverName ?? target.host;
  return {
    servername: isIP(name) === 0 ? name : '',
    ALPNProtocols: ['http/1.1'],
    ...clientTlsOptions(security, name),
  };
}

function checkPeerOnConnect(request: http.ClientRequest, security: Tls, target: HostPort): void {
  request.once('socket', (socket) => {
    const secure = socket as tls.TLSSocket;
    const check = () => {
      const failure = checkPeer(secure, security, security.serverName ?? target.host);
      if (failure !== undefined) request.destroy(tlsVerifyFailed(failure));
    };
    // A kept-alive socket was checked when it connected.
    if (secure.encrypted && secure.getPeerCertificate().raw !== undefined) check();
    else secure.once('secureConnect', check);
  });
}
